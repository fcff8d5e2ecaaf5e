//go:build unix

package decode

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A messages file linked to a device is refused when opened, naming the
// path: /dev/zero is an endless line with no newline, which a Reader
// would skip as too long forever. A named pipe is still read.
func TestOpenRecordingRefusesDevice(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero")
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "messages.jsonl")
	if err := os.Symlink("/dev/zero", p); err != nil {
		t.Skip(err)
	}
	done := make(chan error, 1)
	go func() {
		r, err := OpenRecording(p, ReaderOptions{})
		if err == nil {
			var m Message
			for r.Next(&m) {
			}
			err = r.Err()
			r.Close()
		}
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, ErrNotRecordingFile) || !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), "character device") {
			t.Errorf("OpenRecording(%s -> /dev/zero) = %v, want ErrNotRecordingFile naming the path and a character device", p, err)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("OpenRecording(%s -> /dev/zero) still reading after 10 s", p)
	}
	if _, err := OpenRecording(dir, ReaderOptions{}); !errors.Is(err, ErrNotRecordingFile) {
		t.Errorf("OpenRecording(a directory) = %v, want ErrNotRecordingFile", err)
	}

	fifo := filepath.Join(dir, "pipe.jsonl")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip(err)
	}
	go func() {
		// Opening the pipe waits for its reader.
		if f, err := os.OpenFile(fifo, os.O_WRONLY, 0); err == nil {
			f.WriteString(loc(1764151200000) + "\n")
			f.Close()
		}
	}()
	r, err := OpenRecording(fifo, ReaderOptions{})
	if err != nil {
		t.Fatalf("OpenRecording(a named pipe): %v", err)
	}
	defer r.Close()
	var m Message
	n := 0
	for r.Next(&m) {
		n++
	}
	if n != 1 || r.Err() != nil {
		t.Errorf("a named pipe: %d messages, err %v; want 1, nil", n, r.Err())
	}
}
