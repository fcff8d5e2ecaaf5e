//go:build unix

package export

import (
	"context"
	"errors"
	"testing"
)

// One holder at a time: a second LockOutDir waits (saying so once) until
// the first releases, and gives up when its context ends.
func TestLockOutDir(t *testing.T) {
	dir := t.TempDir()
	release, err := LockOutDir(context.Background(), dir, func() { t.Error("the first lock waited") })
	if err != nil {
		t.Fatal(err)
	}
	waiting := make(chan struct{})
	got := make(chan error)
	go func() {
		r, err := LockOutDir(context.Background(), dir, func() { close(waiting) })
		if err == nil {
			r()
		}
		got <- err
	}()
	select {
	case <-waiting:
	case err := <-got:
		t.Fatalf("the second lock returned (%v) while the first was held", err)
	}
	release()
	if err := <-got; err != nil {
		t.Errorf("the second lock, once the first was released: %v", err)
	}

	release, err = LockOutDir(context.Background(), dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	ctx, cancel := context.WithCancel(context.Background())
	if _, err := LockOutDir(ctx, dir, cancel); !errors.Is(err, context.Canceled) {
		t.Errorf("a lock waiting when its context ends: %v, want context.Canceled", err)
	}
}
