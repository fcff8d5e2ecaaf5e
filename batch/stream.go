package batch

import (
	"context"
	"io"
	"os"
	"sync"
	"time"

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
// Once ctx ends, Read returns pipeline.ErrCanceled. Close (which the
// decode.Reader reading the stream calls, also when it could not be made)
// ends the goroutine: it closes a named pipe being read, and unblocks an
// open still waiting for the pipe's writer (unblockOpen), so that a
// process analysing many inputs (the package used as a library) keeps
// neither the goroutine nor the pipe, whose writer would wait on it. Only
// a read of standard input, which is not closed, may go on until its
// writer writes or the process exits.
type interruptible struct {
	ctx    context.Context
	path   string // the named pipe opened ("" for standard input)
	open   func() (io.ReadCloser, error)
	start  sync.Once // the goroutine starts at the first Read
	chunks chan streamChunk
	done   chan struct{} // closed by Close
	close  sync.Once

	mu      sync.Mutex
	opening bool          // the goroutine is in open, or about to be
	src     io.ReadCloser // the opened stream, while the goroutine reads it
	opened  chan struct{} // closed once open has returned (or was never called)

	left []byte // of the last chunk, not yet read
	err  error  // the end of the stream, once its data is read
}

type streamChunk struct {
	data []byte
	err  error
}

// newInterruptible reads the stream that open opens (and that is closed
// at its end), from the first Read on.
func newInterruptible(ctx context.Context, path string, open func() (io.ReadCloser, error)) *interruptible {
	if path == decode.Stdin {
		path = ""
	}
	return &interruptible{ctx: ctx, path: path, open: open, chunks: make(chan streamChunk), done: make(chan struct{}), opened: make(chan struct{})}
}

func (s *interruptible) pump(open func() (io.ReadCloser, error)) {
	s.mu.Lock()
	select {
	case <-s.done: // closed before the goroutine began
		s.mu.Unlock()
		close(s.opened)
		return
	default:
	}
	s.opening = true
	s.mu.Unlock()
	src, err := open()
	s.mu.Lock()
	s.opening = false
	closed := false
	select {
	case <-s.done:
		closed = true
	default:
		if err == nil {
			s.src = src
		}
	}
	s.mu.Unlock()
	close(s.opened)
	if err != nil {
		s.send(streamChunk{err: err})
		return
	}
	if closed {
		src.Close()
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

// Close stops the reading: the goroutine ends at its next read, or now
// if it waits in a named pipe's read or open (see interruptible).
func (s *interruptible) Close() error {
	s.close.Do(func() {
		s.mu.Lock()
		close(s.done)
		opening, src := s.opening, s.src
		s.mu.Unlock()
		if src != nil && s.path != "" {
			src.Close() // a read waiting on the pipe returns
		}
		if opening && s.path != "" {
			// The open waits for a writer: be one until it returns.
			deadline := time.Now().Add(time.Second)
			for time.Now().Before(deadline) {
				unblockOpen(s.path)
				select {
				case <-s.opened:
					return
				case <-time.After(10 * time.Millisecond):
				}
			}
		}
	})
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
