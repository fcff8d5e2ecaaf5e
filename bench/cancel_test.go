package bench

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/pipeline"
)

// cancelAt decodes as its Decoder does, and calls cancel at its call
// number at (from 1), counting the calls after it in late.
type cancelAt struct {
	Decoder
	calls, at, late int
	cancel          context.CancelFunc
}

func (c *cancelAt) Decode(line []byte, m *decode.Message) error {
	c.calls++
	switch {
	case c.calls == c.at:
		c.cancel()
	case c.calls > c.at:
		c.late++
	}
	return c.Decoder.Decode(line, m)
}

// MeasureContext stops when its context ends, in the checked pass or in
// a timed one, within stopEvery messages, with an error wrapping
// pipeline.ErrCanceled that says where: "stmotion bench decode" had run
// to its end through Ctrl-C and SIGTERM and exited 0.
func TestMeasureContextStops(t *testing.T) {
	c, err := gameCorpus() // 600 s: about 165,000 messages, passes longer than stopEvery
	if err != nil {
		t.Fatal(err)
	}
	ej := Peers()[1]
	for _, tc := range []struct {
		at    int
		where string
	}{
		{at: 1000, where: "bench decode: checking stopper: canceled"},
		{at: c.Len() + 1000, where: "bench decode: timing stopper, repetition 1: canceled"},
	} {
		ctx, cancel := context.WithCancel(context.Background())
		var d *cancelAt
		stopper := Peer{Name: "stopper", New: func() (Decoder, error) {
			s, _ := newStmotion()
			d = &cancelAt{Decoder: s, at: tc.at, cancel: cancel}
			return d, nil
		}}
		// The stopper times first: encoding/json's passes are the slow ones.
		rs, err := MeasureContext(ctx, c, Options{Reps: 3, MinTime: 100 * time.Millisecond, Peers: []Peer{stopper, ej}})
		cancel()
		if !errors.Is(err, pipeline.ErrCanceled) || err.Error() != tc.where || rs != nil {
			t.Errorf("cancelled at message %d: results %v, error %v; want %q", tc.at, rs, err, tc.where)
		}
		if d != nil && d.late >= stopEvery {
			t.Errorf("cancelled at message %d: %d messages decoded after it, want fewer than %d", tc.at, d.late, stopEvery)
		}
	}
}

// The corpora stop being built or read when their context ends.
func TestCorpusContextStops(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if c, err := GameCorpusContext(ctx, GameOptions{Seed: 1, Duration_s: 60}); !errors.Is(err, pipeline.ErrCanceled) || c != nil ||
		!strings.HasPrefix(err.Error(), "bench decode: building the game corpus") {
		t.Errorf("GameCorpusContext, cancelled: %v, %v; want pipeline.ErrCanceled", c, err)
	}
	p := filepath.Join(t.TempDir(), "rec.jsonl")
	if err := os.WriteFile(p, game(t, GameOptions{Seed: 1, Duration_s: 2}).Data, 0o644); err != nil {
		t.Fatal(err)
	}
	if c, err := LoadCorpusContext(ctx, p); !errors.Is(err, pipeline.ErrCanceled) || c != nil || !strings.Contains(err.Error(), "reading "+p) {
		t.Errorf("LoadCorpusContext, cancelled: %v, %v; want pipeline.ErrCanceled", c, err)
	}
}
