//go:build unix

package batch_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stmotion/stmotion/batch"
	"github.com/stmotion/stmotion/pipeline"
)

// runFIFO analyses the named pipe fifo as the one input of a run on ctx
// and returns the run's result once Do and Close have returned.
func runFIFO(t *testing.T, ctx context.Context, fifo string) *batch.Result {
	t.Helper()
	out := filepath.Join(t.TempDir(), "out")
	if err := os.Mkdir(out, 0o755); err != nil {
		t.Fatal(err)
	}
	cfg := &batch.Config{Options: pipeline.Options{Out: out}, Jobs: 1}
	run, err := batch.PlanInputs(ctx, cfg, []string{fifo}).Prepare(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer run.Close()
	if err := run.OpenOut(); err != nil {
		t.Fatal(err)
	}
	return run.Do(ctx)
}

// readerGone waits until no reader holds or waits to open fifo: opening
// it for writing without waiting then fails with ENXIO.
func readerGone(t *testing.T, fifo string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		f, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0)
		if errors.Is(err, syscall.ENXIO) {
			return
		}
		if err == nil {
			f.Close()
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: a reader still holds the named pipe after the run (open for writing: %v)", fifo, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// A named pipe whose data cannot be read (a gzip stream with a bad
// header) fails its input, and the run lets go of the pipe: its writer
// is not left blocked. The stream's reading goroutine held it until the
// process exited, which a service analysing pipes night after night
// would pay for with a goroutine, a file and a stuck writer per input.
func TestFIFOBadStreamReleased(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "feed.jsonl.gz")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no named pipes here:", err)
	}
	wrote := make(chan error, 1)
	go func() {
		f, err := os.OpenFile(fifo, os.O_WRONLY, 0)
		if err != nil {
			wrote <- err
			return
		}
		defer f.Close()
		// A bad gzip header, then noise until the write fails: far more
		// than the pipe holds, so the writer waits on its reader.
		if _, err := f.Write([]byte{0x1f, 0x8b, 0x09}); err != nil {
			wrote <- err
			return
		}
		junk := make([]byte, 64<<10)
		rng := rand.New(rand.NewPCG(1, 2))
		for i := range junk {
			junk[i] = byte(rng.Uint32())
		}
		for range 1024 {
			if _, err := f.Write(junk); err != nil {
				wrote <- err
				return
			}
		}
		wrote <- nil
	}()
	res := runFIFO(t, context.Background(), fifo)
	if len(res.Failed) != 1 {
		t.Fatalf("failed %+v; want the pipe's input failed", res.Failed)
	}
	select {
	case err := <-wrote:
		if !errors.Is(err, syscall.EPIPE) {
			t.Errorf("the writer's write ended with %v; want EPIPE, the reader gone", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the pipe's writer is still blocked after the run")
	}
	readerGone(t, fifo)
}

// A run canceled while its named pipe has no writer yet ends without
// holding the pipe: the open that waited for a writer is ended too.
func TestFIFOCanceledBeforeWriterReleased(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "feed.jsonl")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no named pipes here:", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	res := runFIFO(t, ctx, fifo)
	if !res.Interrupted || len(res.Canceled) != 1 {
		t.Fatalf("interrupted %v, canceled %+v; want the pipe's input canceled", res.Interrupted, res.Canceled)
	}
	readerGone(t, fifo)
}
