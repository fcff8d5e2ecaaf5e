//go:build unix

package batch

import (
	"os"
	"syscall"
)

// unblockOpen ends an open of the named pipe at path that waits for a
// writer: it opens the pipe for writing, without waiting for a reader,
// and closes it at once, so that the waiting open returns and its first
// read ends the stream. Nothing happens when no reader waits (ENXIO).
func unblockOpen(path string) {
	if f, err := os.OpenFile(path, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
		f.Close()
	}
}
