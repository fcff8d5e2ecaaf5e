//go:build unix

package export

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
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

// TryLockOutDir does not wait: while another holds the lock it fails at
// once with ErrLocked, and takes it once released.
func TestTryLockOutDir(t *testing.T) {
	dir := t.TempDir()
	release, err := TryLockOutDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if r, err := TryLockOutDir(dir); !errors.Is(err, ErrLocked) {
		if err == nil {
			r()
		}
		t.Errorf("a second TryLockOutDir while the first holds the lock: %v, want ErrLocked", err)
	}
	release()
	r, err := TryLockOutDir(dir)
	if err != nil {
		t.Fatalf("TryLockOutDir once released: %v", err)
	}
	r()
	if _, err := TryLockOutDir(filepath.Join(dir, "missing")); err == nil || errors.Is(err, ErrLocked) {
		t.Errorf("TryLockOutDir of a directory that does not exist: %v, want an error other than ErrLocked", err)
	}
}

// lockHolderEnv names the directory a child process of the test binary
// locks (TestLockHolder) before it says so and waits to be killed.
const lockHolderEnv = "STMOTION_TEST_LOCK_HOLDER"

// TestLockHolder is the child process of TestLockReleasedWhenHolderKilled.
func TestLockHolder(t *testing.T) {
	dir := os.Getenv(lockHolderEnv)
	if dir == "" {
		t.Skip("the child process of TestLockReleasedWhenHolderKilled")
	}
	if _, err := TryLockOutDir(dir); err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	fmt.Println("locked")
	select {} // until killed
}

// A process that dies holding the lock (kill -9: a crash) leaves it
// free: a re-join or a run after a crash is not refused for it.
func TestLockReleasedWhenHolderKilled(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestLockHolder$")
	cmd.Env = append(os.Environ(), lockHolderEnv+"="+dir)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || line != "locked\n" {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("the holder process: %q, %v; want it to say locked", line, err)
	}
	if r, err := TryLockOutDir(dir); !errors.Is(err, ErrLocked) {
		if err == nil {
			r()
		}
		t.Errorf("while another process holds the lock: %v, want ErrLocked", err)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	r, err := TryLockOutDir(dir)
	if err != nil {
		t.Fatalf("once the holder was killed: %v, want the lock", err)
	}
	r()
}
