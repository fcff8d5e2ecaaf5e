//go:build unix

package live_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/live"
	"github.com/stmotion/stmotion/live/mock"
)

// recording says whether the bundle dir has recorded a line: its session
// holds the bundle's lock by then.
func recording(dir string) func() bool {
	return func() bool {
		fi, err := os.Stat(filepath.Join(dir, decode.BundleMessages))
		return err == nil && fi.Size() > 0
	}
}

// joinRefused runs a Join of id into out, on a client of its own, and
// checks that it is refused as another process records into the bundle
// dir: a *BundleHeldError naming it, no result. A Join that is not
// refused records until ctx's end (a looping feed), then fails the test.
func joinRefused(t *testing.T, url, id, out, dir string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	res, err := live.Join(ctx, live.SessionConfig{Client: liveClient(t, url), LiveID: id, Out: out, FlushInterval: -1})
	var held *live.BundleHeldError
	if !errors.As(err, &held) || !errors.Is(err, live.ErrBundleHeld) || held.LiveID != id || held.Dir != dir || len(res) != 0 {
		t.Errorf("a Join of %s while another records into %s: %v, %d results; want a BundleHeldError naming them, no result", id, dir, err, len(res))
	}
}

// Two Joins of one live id into one Out at once: the second is refused
// (live.ErrBundleHeld), and the first records on alone. Once the first
// has ended, the live id is joined again (a re-join continues the
// bundle). Without the lock the second re-joined the bundle the first
// was recording and both wrote into it: torn lines in messages.jsonl,
// the same table parts written by both, rows twice in the tables.
func TestJoinRefusesBundleHeld(t *testing.T) {
	srv, c := liveMock(t, "", mock.Options{Speed: 2, Loop: true, LoopGap: 100 * time.Millisecond})
	out := t.TempDir()
	dir := filepath.Join(out, mock.TinyLiveID) // a UUID names its bundle as it is
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	type result struct {
		res []live.SessionResult
		err error
	}
	done := make(chan result, 1)
	go func() {
		res, err := live.Join(ctx, live.SessionConfig{Client: c, LiveID: srv.LiveID(), Out: out, NoFollow: true, FlushInterval: -1})
		done <- result{res, err}
	}()
	waitFor(t, "the first Join to record", recording(dir))
	if t.Failed() {
		t.FailNow()
	}
	joinRefused(t, srv.URL(), srv.LiveID(), out, dir)
	cancel()
	if r := <-done; r.err != nil || len(r.res) != 1 || r.res[0].Summary == nil {
		t.Fatalf("the first Join: %v, %d results; want it recorded and analysed, then interrupted", r.err, len(r.res))
	}

	srv, c = liveMock(t, "", mock.Options{})
	ctx, cancel = context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	// NoFollow: the first Join may have recorded the looping mock's
	// PLAY_NEXT to its next pass, which this mock does not serve.
	if r := joinOne(t, ctx, live.SessionConfig{Client: c, LiveID: srv.LiveID(), Out: out, FlushInterval: -1, NoFollow: true}); r.Replayed == 0 || r.Dir != dir {
		t.Errorf("a re-join once the first Join ended: %s in %s; want it to replay the bundle %s and continue it", r.String(), r.Dir, dir)
	}
}

// A Join that has followed a PLAY_NEXT keeps the bundle it was started
// on locked, and holds the one it records into: the same Join started
// again, and one started at the live id followed to, are refused too,
// wherever the first has got to (the looping mock's later passes are
// new live ids, which it follows).
func TestJoinRefusesFollowedBundleHeld(t *testing.T) {
	srv, c := liveMock(t, tinyHalves(t), mock.Options{Speed: 2, Loop: true, LoopGap: 100 * time.Millisecond})
	out := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := live.Join(ctx, live.SessionConfig{Client: c, LiveID: srv.LiveID(), Out: out, FlushInterval: -1,
			OnResult: func(live.SessionResult) {}})
		done <- err
	}()
	half := filepath.Join(out, tinyHalfID)
	waitFor(t, "the Join to follow to the second half and record it", recording(half))
	if t.Failed() {
		t.FailNow()
	}
	joinRefused(t, srv.URL(), srv.LiveID(), out, filepath.Join(out, mock.TinyLiveID))
	// Held by the Join at the second half, or, once it has followed on,
	// at the next pass's live id, which the second half's bundle names.
	ctxC, cancelC := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancelC()
	res, err := live.Join(ctxC, live.SessionConfig{Client: liveClient(t, srv.URL()), LiveID: tinyHalfID, Out: out, FlushInterval: -1})
	if !errors.Is(err, live.ErrBundleHeld) || len(res) != 0 {
		t.Errorf("a Join of the second half while the first Join records it or has followed on: %v, %d results; want ErrBundleHeld, no result", err, len(res))
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("the first Join: %v; want it interrupted, not failed", err)
	}
}
