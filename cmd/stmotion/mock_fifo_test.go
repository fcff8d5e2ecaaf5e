//go:build unix

package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A mock whose recording is a named pipe with a silent writer (a bundle
// from a tar keeps its FIFO) stops when its context ends (Ctrl-C,
// SIGTERM): it ignored both, reading the bundle, until SIGKILL.
func TestMockStopsWhileReadingFIFO(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "feed.jsonl")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no named pipes here:", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var stderr bytes.Buffer
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, []string{"mock", "--no-auth", "--listen", "127.0.0.1:0", "--bundle", fifo}, &bytes.Buffer{}, &stderr)
	}()
	time.Sleep(200 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		if err != nil || !strings.Contains(stderr.String(), "stopping while reading the bundle") {
			t.Errorf("mock stopped with %v, stderr %q; want nil and the stopping line", err, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("mock did not stop 10 s after its context ended, reading a silent named pipe")
	}
}
