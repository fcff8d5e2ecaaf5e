package live_test

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stmotion/stmotion/live"
	"github.com/stmotion/stmotion/live/mock"
)

// TestJoinInterruptedCause: a Join cancelled with a cause says it in its
// result (stmotion live gives the signal: a SIGTERM was reported as
// "interrupted (Ctrl-C)"); without one, that it was cancelled.
func TestJoinInterruptedCause(t *testing.T) {
	for _, c := range []struct {
		cause error
		want  string
	}{
		{errors.New("SIGTERM"), "interrupted (SIGTERM)"},
		{nil, "interrupted (cancelled)"},
	} {
		srv, cl := liveMock(t, "", mock.Options{Speed: 1, EndOpen: true})
		ctx, cancel := context.WithCancelCause(context.Background())
		out := t.TempDir()
		done := make(chan []live.SessionResult)
		go func() {
			res, err := live.Join(ctx, live.SessionConfig{Client: cl, LiveID: srv.LiveID(), Out: out, FlushInterval: -1})
			if err != nil {
				t.Errorf("Join: %v", err)
			}
			done <- res
		}()
		waitFor(t, "the first messages recorded", func() bool {
			fi, err := os.Stat(filepath.Join(out, srv.LiveID(), "messages.jsonl"))
			return err == nil && fi.Size() > 0
		})
		cancel(c.cause)
		res := <-done
		if len(res) != 1 {
			t.Fatalf("cancelled with cause %v: %d results, want 1", c.cause, len(res))
		}
		if line := res[0].String(); res[0].End != c.want || !strings.HasSuffix(line, "; ended: "+c.want) {
			t.Errorf("cancelled with cause %v: result %q; want it ended %q", c.cause, line, c.want)
		}
	}
}

// TestJoinLogsUndecodable: messages that do not decode are logged, once
// at the first with its error, not one line a message (a review's feed
// had 40 967 in 20 s and logged nothing about them).
func TestJoinLogsUndecodable(t *testing.T) {
	srv, cl := liveMock(t, "", mock.Options{CorruptEvery: 3})
	var logs syncBuffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	r := joinOne(t, context.Background(), live.SessionConfig{Client: cl, LiveID: srv.LiveID(), Logger: log})
	if r.DecodeErrors < 10 {
		t.Fatalf("%d undecodable messages, want the mock's every third", r.DecodeErrors)
	}
	out := logs.String()
	if n := strings.Count(out, "does not decode"); n != 1 || !strings.Contains(out, `level=WARN msg="live: a message does not decode`) ||
		!strings.Contains(out, " count=1 total=1 first_err=") {
		t.Errorf("%d undecodable messages logged as:\n%s\nwant one warning, with the first error", r.DecodeErrors, out)
	}
}
