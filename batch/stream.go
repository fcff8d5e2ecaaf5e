package batch

import (
	"context"
	"io"
	"os"
	"sync"

	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/pipeline"
)

// isStream reports whether the recording at path is read as a stream that
// may wait for its writer: standard input or a named pipe, never a
// regular file. A device is no recording (decode.OpenRecordingFile
// refuses it when the input is read).
func isStream(path string) bool {
	if path == decode.Stdin {
		return true
	}
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().Type() == os.ModeNamedPipe
}

// streamChunk_bytes is what one read of a stream asks for: a pipe's buffer.
const streamChunk_bytes = 64 << 10

// interruptible reads a stream (see isStream) on a goroutine of its own, so
// that a read waiting for a writer ends when ctx does: os.Stdin, in
// blocking mode, is not in the runtime's poller, and a read of it waits
// for its writer whatever the context says (Ctrl-C on
// "(sleep 20 > fifo &); stmotion analyze - < fifo" waited for the sleep).
// Opening a named pipe waits for its writer too, so open is called on that
// goroutine as well.
//
// Once ctx ends, Read returns pipeline.ErrCanceled and the goroutine may
// stay blocked in its read: for standard input, until its writer writes or
// the process exits, which analyze then soon does. Close lets the
// goroutine end at its next read.
type interruptible struct {
	ctx    context.Context
	open   func() (io.ReadCloser, error)
	start  sync.Once // the goroutine starts at the first Read
	chunks chan streamChunk
	done   chan struct{} // closed by Close
	close  sync.Once

	left []byte // of the last chunk, not yet read
	err  error  // the end of the stream, once its data is read
}

type streamChunk struct {
	data []byte
	err  error
}

// newInterruptible reads the stream that open opens (and that is closed
// at its end), from the first Read on.
func newInterruptible(ctx context.Context, open func() (io.ReadCloser, error)) *interruptible {
	return &interruptible{ctx: ctx, open: open, chunks: make(chan streamChunk), done: make(chan struct{})}
}

func (s *interruptible) pump(open func() (io.ReadCloser, error)) {
	src, err := open()
	if err != nil {
		s.send(streamChunk{err: err})
		return
	}
	defer src.Close()
	for {
		// A new buffer each time: the one sent is the reader's until
		// it has read it all.
		buf := make([]byte, streamChunk_bytes)
		n, err := src.Read(buf)
		if n == 0 && err == nil {
			continue
		}
		if !s.send(streamChunk{data: buf[:n], err: err}) || err != nil {
			return
		}
	}
}

// send hands c to Read, unless Close came first.
func (s *interruptible) send(c streamChunk) bool {
	select {
	case s.chunks <- c:
		return true
	case <-s.done:
		return false
	}
}

func (s *interruptible) Read(p []byte) (int, error) {
	s.start.Do(func() { go s.pump(s.open) })
	for len(s.left) == 0 {
		if s.err != nil {
			return 0, s.err
		}
		select {
		case c := <-s.chunks:
			s.left, s.err = c.data, c.err
		case <-s.ctx.Done():
			s.err = pipeline.ErrCanceled
		}
	}
	n := copy(p, s.left)
	s.left = s.left[n:]
	return n, nil
}

// Close stops the reading: the goroutine ends at its next read.
func (s *interruptible) Close() error {
	s.close.Do(func() { close(s.done) })
	return nil
}

// openStream is what newInterruptible opens for the recording at path:
// standard input, which stays open for the process, or the file.
func openStream(path string) func() (io.ReadCloser, error) {
	if path == decode.Stdin {
		stdin := os.Stdin
		return func() (io.ReadCloser, error) { return io.NopCloser(stdin), nil }
	}
	return func() (io.ReadCloser, error) { return decode.OpenRecordingFile(path) }
}
