package live_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/live"
	"github.com/stmotion/stmotion/live/mock"
	"github.com/stmotion/stmotion/pipeline"
	"github.com/stmotion/stmotion/track"
)

// The later drills of tinyDrills.
const (
	tinyDrill2 = "7d3c1a52-5e0f-4c1a-9b7e-0000000000d2"
	tinyDrill3 = "7d3c1a52-5e0f-4c1a-9b7e-0000000000d3"
)

// tinyDrills writes the tiny bundle as a practice of three drills of
// about 0.6 s, each under a live id of its own: DRILL_START, DRILL_END,
// then a DRILL_NEXT naming the next drill's live id (tinyDrill2,
// tinyDrill3), and PRACTICE_END instead of PLAY_END.
func tinyDrills(t *testing.T) string {
	t.Helper()
	dir, p, data := tinyMessages(t)
	at := func(ms int64, typ, id string) string {
		if id != "" {
			return fmt.Sprintf(`{"type":"marker","data":{"occurred_at":%d,"live_id":"%s","type":"%s"}}`, mock.TinyStart_ms+ms, id, typ)
		}
		return fmt.Sprintf(`{"type":"marker","data":{"occurred_at":%d,"type":"%s"}}`, mock.TinyStart_ms+ms, typ)
	}
	marks := []string{
		at(0, "DRILL_START", ""), at(620, "DRILL_END", ""), at(660, "DRILL_NEXT", tinyDrill2),
		at(700, "DRILL_START", ""), at(1320, "DRILL_END", ""), at(1360, "DRILL_NEXT", tinyDrill3),
		at(1400, "DRILL_START", ""),
	}
	reT := regexp.MustCompile(`"occurred_at":(\d+)`)
	var out bytes.Buffer
	for _, l := range bytes.SplitAfter(data, []byte("\n")) {
		if len(bytes.TrimSpace(l)) == 0 {
			continue
		}
		if bytes.Contains(l, []byte(`"PLAY_END"`)) {
			l = []byte(at(mock.TinySteps*100, "DRILL_END", "") + "\n" + at(mock.TinySteps*100+1, "PRACTICE_END", "") + "\n")
		}
		m := reT.FindSubmatch(l)
		if m == nil {
			t.Fatalf("tiny line without occurred_at: %s", l)
		}
		tt, _ := strconv.ParseInt(string(m[1]), 10, 64)
		for len(marks) > 0 {
			mt, _ := strconv.ParseInt(reT.FindStringSubmatch(marks[0])[1], 10, 64)
			if mt > tt || (mt == tt && bytes.Contains(l, []byte(`"LIVE"`))) {
				break
			}
			out.WriteString(marks[0] + "\n")
			marks = marks[1:]
		}
		out.Write(l)
	}
	if len(marks) > 0 {
		t.Fatalf("markers after the tiny feed's end: %v", marks)
	}
	if err := os.WriteFile(p, out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// periodsOf is a summary's count of periods (each player's per-period
// distances have one entry per period opened) and the period the
// players moved most in.
func periodsOf(t *testing.T, who string, sum *track.Summary) (n, busiest int) {
	t.Helper()
	if sum == nil || len(sum.Players) == 0 {
		t.Fatalf("%s: no players in the summary", who)
	}
	per := map[int]float64{}
	for _, p := range sum.Players {
		if n != 0 && len(p.DistancePeriod_m) != n {
			t.Fatalf("%s: player %d has %d periods, another %d", who, p.PlayerID, len(p.DistancePeriod_m), n)
		}
		n = len(p.DistancePeriod_m)
		// Every per-period figure has that many entries.
		if l := []int{len(p.SprintsPeriod), len(p.AccelsPeriod), len(p.DecelsPeriod), len(p.TimeOnCourtPeriod_s), len(p.SpeedBandPeriod_s)}; slices.ContainsFunc(l, func(k int) bool { return k != n }) {
			t.Fatalf("%s: player %d has %d distances per period, and %v sprints, accels, decels, times on court and speed bands", who, p.PlayerID, n, l)
		}
		for i, d := range p.DistancePeriod_m {
			per[i+1] += d
		}
	}
	for k, d := range per {
		if d > per[busiest] {
			busiest = k
		}
	}
	return n, busiest
}

// analyzeBundle is `stmotion analyze` of a bundle directory: its summary.
func analyzeBundle(t *testing.T, dir string) *track.Summary {
	t.Helper()
	b, err := decode.OpenBundle(dir)
	if err != nil {
		t.Fatal(err)
	}
	run, err := pipeline.OpenEngine(b, filepath.Base(dir), pipeline.Options{})
	if err != nil {
		t.Fatal(err)
	}
	sum, err := run.Do(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

// TestJoinDrillKeepsNumber: a drill followed from the previous drill's
// DRILL_NEXT is numbered as in the recording of the whole practice (drill
// k is period k), live and in `stmotion analyze` of its own bundle, which
// records where the count stood (periods.json). A join straight into a
// later drill has no history: its drill is period 1. (Every drill was
// period 1 live and in its bundle.)
//
// Followed in real time (Speed 1: the first drill lasts 620 ms, time
// enough for the join's REST calls to come before its end even on a
// loaded machine under -race; at Speed 5 CI once joined after it and
// saw no samples of it) and as fast as the mock replays (Speed 0, no
// clock: nothing depends on when the join comes).
func TestJoinDrillKeepsNumber(t *testing.T) {
	for _, speed := range []float64{1, 0} {
		t.Run(fmt.Sprintf("speed-%g", speed), func(t *testing.T) { testJoinDrillKeepsNumber(t, speed) })
	}
}

func testJoinDrillKeepsNumber(t *testing.T, speed float64) {
	dir := tinyDrills(t)
	if n, busiest := periodsOf(t, "analyze of the whole practice", analyzeBundle(t, dir)); n != 3 || busiest == 0 {
		t.Fatalf("analyze of the whole practice: %d periods, want 3", n)
	}
	srv, c := liveMock(t, dir, mock.Options{Speed: speed})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	out := t.TempDir()
	res, err := live.Join(ctx, live.SessionConfig{Client: c, LiveID: srv.LiveID(), Out: out})
	if err != nil || len(res) != 3 || res[1].LiveID != tinyDrill2 || res[2].LiveID != tinyDrill3 {
		t.Fatalf("Join: %v, %d results; want the three drills", err, len(res))
	}
	for k, r := range res {
		drill := k + 1
		if n, busiest := periodsOf(t, r.LiveID+" live", r.Summary); n != drill || busiest != drill {
			t.Errorf("drill %d live: %d periods, the players moving most in period %d; want %d and %d", drill, n, busiest, drill, drill)
		}
		c, err := decode.ReadContinuation(r.Dir)
		switch {
		case err != nil:
			t.Errorf("drill %d: %v", drill, err)
		case drill == 1 && c != nil:
			t.Errorf("drill 1 has %s: %+v, want none", decode.BundlePeriods, c)
		case drill > 1 && (c == nil || c.Period != int32(drill-1) || c.PeriodOpen || c.PreviousLiveID != res[k-1].LiveID || c.Clock != decode.ClockPaused):
			// The clock as the previous drill's DRILL_END left it: the
			// drill's samples before its first LIVE are paused, as in
			// the whole practice's recording (they were unknown).
			t.Errorf("drill %d: %s %+v, want period %d, closed, after %s, the clock paused", drill, decode.BundlePeriods, c, drill-1, res[k-1].LiveID)
		}
		batch := analyzeBundle(t, r.Dir)
		if n, busiest := periodsOf(t, r.LiveID+" analyze", batch); n != drill || busiest != drill {
			t.Errorf("drill %d, analyze of its bundle: %d periods, the players moving most in period %d; want %d and %d", drill, n, busiest, drill, drill)
		}
		// The drill's figures per period, live as in analyze of its
		// bundle: in the drill's own period, the earlier ones 0.
		for i, lp := range r.Summary.Players {
			if i >= len(batch.Players) {
				break
			}
			bp := batch.Players[i]
			if lp.PlayerID != bp.PlayerID || !slices.Equal(lp.SprintsPeriod, bp.SprintsPeriod) || !slices.Equal(lp.AccelsPeriod, bp.AccelsPeriod) ||
				!slices.Equal(lp.DecelsPeriod, bp.DecelsPeriod) || !slices.Equal(lp.TimeOnCourtPeriod_s, bp.TimeOnCourtPeriod_s) ||
				!slices.EqualFunc(lp.SpeedBandPeriod_s, bp.SpeedBandPeriod_s, slices.Equal) {
				t.Errorf("drill %d, player %d: per period live %v %v %v %v %v, analyze of its bundle %v %v %v %v %v", drill, lp.PlayerID,
					lp.SprintsPeriod, lp.AccelsPeriod, lp.DecelsPeriod, lp.TimeOnCourtPeriod_s, lp.SpeedBandPeriod_s,
					bp.SprintsPeriod, bp.AccelsPeriod, bp.DecelsPeriod, bp.TimeOnCourtPeriod_s, bp.SpeedBandPeriod_s)
			}
			for k, s := range lp.TimeOnCourtPeriod_s {
				if k+1 != drill && s != 0 {
					t.Errorf("drill %d, player %d: %.2f s on court in period %d", drill, lp.PlayerID, s, k+1)
				}
			}
		}
	}

	// Joined again into its bundle (after a crash, say), straight: the
	// bundle's periods.json keeps its number. (The last drill: the mock's
	// feed of an earlier one, past its end, goes on into the later ones,
	// its DRILL_NEXT a replay that is not followed.)
	again := joinOne(t, ctx, live.SessionConfig{Client: c, LiveID: tinyDrill3, Out: out, NoFollow: true})
	if n, busiest := periodsOf(t, "drill 3 joined again", again.Summary); n != 3 || busiest != 3 {
		t.Errorf("drill 3 joined again into its bundle: %d periods, the players moving most in period %d; want 3 and 3", n, busiest)
	}

	// Joined straight, without history: period 1, and no periods.json.
	straight := joinOne(t, ctx, live.SessionConfig{Client: c, LiveID: tinyDrill3, Out: t.TempDir(), NoFollow: true})
	if n, _ := periodsOf(t, "drill 3 joined straight", straight.Summary); n != 1 {
		t.Errorf("drill 3 joined straight: %d periods, want 1", n)
	}
	if c, err := decode.ReadContinuation(straight.Dir); c != nil || err != nil {
		t.Errorf("drill 3 joined straight: %s %+v (%v), want none", decode.BundlePeriods, c, err)
	}
}

// Followed at speed 0 (a mock replaying as fast as it can), the previous
// drill's feed, read on during each handover, runs past the next drill's
// DRILL_NEXT: what comes after it is the drill after, which the handover
// must not hand to the next drill's session (that session ended at the
// handed DRILL_NEXT and its own feed went into the drill after's bundle).
// Each drill's bundle holds its own markers: one DRILL_START, and the
// DRILL_NEXT naming the next drill.
func TestJoinDrillsAtSpeedZero(t *testing.T) {
	dir := tinyDrills(t)
	srv, c := liveMock(t, dir, mock.Options{Speed: 0})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	res, err := live.Join(ctx, live.SessionConfig{Client: c, LiveID: srv.LiveID(), Out: t.TempDir()})
	if err != nil || len(res) != 3 || res[1].LiveID != tinyDrill2 || res[2].LiveID != tinyDrill3 {
		t.Fatalf("Join: %v, %d results; want the three drills", err, len(res))
	}
	reNext := regexp.MustCompile(`"live_id":"([^"]*)","type":"DRILL_NEXT"`)
	for k, r := range res {
		data, err := os.ReadFile(filepath.Join(r.Dir, decode.BundleMessages))
		if err != nil {
			t.Fatal(err)
		}
		if n := bytes.Count(data, []byte(`"DRILL_START"`)); n != 1 {
			t.Errorf("drill %d's bundle: %d DRILL_START markers, want 1", k+1, n)
		}
		var next []string
		for _, m := range reNext.FindAllSubmatch(data, -1) {
			next = append(next, string(m[1]))
		}
		want := "[]"
		if k+1 < len(res) {
			want = "[" + res[k+1].LiveID + "]"
		}
		if got := fmt.Sprint(next); got != want {
			t.Errorf("drill %d's bundle: DRILL_NEXT naming %s, want %s", k+1, got, want)
		}
	}
}
