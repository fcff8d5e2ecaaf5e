package live_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/live"
	"github.com/stmotion/stmotion/live/mock"
	"github.com/stmotion/stmotion/pipeline"
	"github.com/stmotion/stmotion/track"
)

// shotCounter is a sink that counts the feed shots the engine emits.
type shotCounter struct{ n int }

func (c *shotCounter) Samples([]track.Sample) error { return nil }
func (c *shotCounter) Close(*track.Summary) error   { return nil }
func (c *shotCounter) Segment(s *track.Segment) error {
	if s.Type == track.SegFeedShot {
		c.n++
	}
	return nil
}

// boxScores returns a summary's box scores by player.
func boxScores(sum *track.Summary) map[int64]map[string]float64 {
	out := map[int64]map[string]float64{}
	for _, b := range sum.BoxScore {
		out[b.PlayerID] = b.Values
	}
	return out
}

// TestJoinMidEvent: joined once the tiny feed's two shots and their
// stats have happened (a real-time mock), the live box score and shots
// hold what came before the join (from the REST state: stats.json's
// rebound, both shots, the stats of both), each once, and so does
// `stmotion analyze` of the recording.
func TestJoinMidEvent(t *testing.T) {
	srv, c := liveMock(t, "", mock.Options{Speed: 1})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	// Wait until the replay has passed both shots (1.2 s into the feed).
	waitFor(t, "both shots in /shots", func() bool {
		sh, err := c.Shots(ctx, srv.LiveID())
		n := 0
		for _, tm := range sh.Teams {
			for _, p := range tm.PlayerShots {
				n += len(p.Shots)
			}
		}
		return err == nil && n == 2
	})
	r := joinOne(t, ctx, live.SessionConfig{Client: c, LiveID: srv.LiveID(), Out: t.TempDir(), PartInterval: -1})
	if r.JoinFilled == 0 {
		t.Errorf("%s: nothing fed from the join's REST state", r.String())
	}

	want := map[int64]map[string]float64{
		101: {"FGA": 1, "FG": 1, "PTS": 2},
		201: {"FGA": 1, "FGA3": 1},
		102: {"REB": 1, "DEFENSIVE_REB": 1, "DIST": 1234},
	}
	check := func(who string, got map[int64]map[string]float64) {
		t.Helper()
		for id, stats := range want {
			for k, v := range stats {
				if got[id][k] != v {
					t.Errorf("%s: player %d %s = %g, want %g (box scores %v)", who, id, k, got[id][k], v, got)
				}
			}
		}
	}
	check("live", boxScores(r.Summary))
	fc := countFeed(readLines(t, filepath.Join(r.Dir, decode.BundleMessages)))
	if len(fc.shots) != 2 || fc.kinds[decode.KindShot] != 2 {
		t.Errorf("recorded shots %v (%d lines), want both tiny shots once", fc.shots, fc.kinds[decode.KindShot])
	}
	if n := parquetRows(t, filepath.Join(r.Parts[len(r.Parts)-1], "shots.parquet")); n != 2 {
		t.Errorf("live shots table: %d rows, want 2", n)
	}

	b, err := decode.OpenBundle(r.Dir)
	if err != nil {
		t.Fatal(err)
	}
	shots := &shotCounter{}
	run, err := pipeline.OpenEngine(b, srv.LiveID(), pipeline.Options{}, shots)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := run.Do(ctx)
	if err != nil {
		t.Fatal(err)
	}
	check("analyze of the recording", boxScores(sum))
	if shots.n != 2 {
		t.Errorf("analyze of the recording: %d feed shots, want 2", shots.n)
	}
}
