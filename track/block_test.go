package track

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"

	"github.com/stmotion/stmotion/court"
	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/geom"
)

// Tests of the batch emission (smoothAndEmit: rows written sensor by
// sensor, then markers, frames, batches and DIST checks tick by tick) on
// degraded random feeds: sensors that start and stop mid-block, dropouts,
// teleports, outliers, reordered and duplicated samples, feed silences
// (skipTo), markers and DIST updates early, late, at a tick and several at
// one time, small raw rings (forceProgress) and few sensors (MaxSensors).

// degraded is a generated feed and the engine settings it runs with.
type degraded struct {
	cfg  Config
	msgs []decode.Message
	desc string
}

// degradedFeed generates a random degraded feed from seed (about 10 to 50
// s, up to 6 players and 2 balls, DIST updates for players, a ball and an
// unknown id).
func degradedFeed(seed uint64) degraded {
	rng := rand.New(rand.NewPCG(seed, 12345))
	pick := func(v ...int64) int64 { return v[rng.IntN(len(v))] }
	cfg := DefaultConfig()
	cfg.Lag_s = []float64{0.1, 0.3, 1, 2.5}[rng.IntN(4)]
	cfg.RingSize = int(pick(8, 16, 256))
	cfg.MaxSensors = int(pick(3, 64, 64))
	cfg.ReorderWindow_ms = pick(0, 100, 250, 1000)
	cfg.MaxGap_ms = pick(200, 1000)
	cfg.BridgeGap_ms = pick(0, 2000)
	per := pick(33, 50, 100)
	if rng.IntN(2) == 0 {
		cfg.Rate_Hz = 1000 / float64(per)
	}
	cfg.RateSamples = int(pick(16, 256))
	start := int64(1_700_000_000_000) + rng.Int64N(100000)
	end := start + 10_000 + rng.Int64N(40_000)
	type interval struct{ a, b int64 }
	in := func(t int64, ivs []interval) bool {
		for _, iv := range ivs {
			if t >= iv.a && t < iv.b {
				return true
			}
		}
		return false
	}
	var silences []interval // the whole feed is off
	for k := rng.IntN(3); k > 0; k-- {
		a := start + rng.Int64N(end-start)
		silences = append(silences, interval{a, a + 500 + rng.Int64N(15000)})
	}
	type arrival struct {
		m decode.Message
		t float64 // arrival time
	}
	var out []arrival
	nP, nB := 1+rng.IntN(6), rng.IntN(3)
	var players []int64
	for i := range nP + nB {
		ball := i >= nP
		id := int64(100 + i)
		if !ball {
			players = append(players, id)
		}
		a, b := start, end
		if rng.IntN(2) == 0 {
			a += rng.Int64N(end - start) // starts mid-session
		}
		if rng.IntN(3) == 0 {
			b = a + rng.Int64N(end-a+1) // stops early
		}
		var drops []interval
		for k := rng.IntN(4); k > 0; k-- {
			d := a + rng.Int64N(b-a+1)
			drops = append(drops, interval{d, d + 100 + rng.Int64N(4000)})
		}
		x, y := (rng.Float64()-0.5)*30, (rng.Float64()-0.5)*16 // in and out of bounds
		vmax := 7.0
		if ball {
			vmax = 15
		}
		vx, vy := 0.0, 0.0
		jitter := rng.IntN(3) == 0
		dt := float64(per) / 1000
		for t := a - a%per; t <= b; t += per {
			vx += rng.NormFloat64() * 8 * dt
			vy += rng.NormFloat64() * 8 * dt
			if sp := math.Hypot(vx, vy); sp > vmax {
				vx, vy = vx*vmax/sp, vy*vmax/sp
			}
			if rng.IntN(20) == 0 {
				vx, vy = 0, 0
			}
			x, y = x+vx*dt, y+vy*dt
			if rng.IntN(2000) == 0 {
				x += 10 // teleport
			}
			if in(t, silences) || in(t, drops) {
				continue
			}
			ts := t
			if jitter {
				ts += rng.Int64N(per) - per/2
			}
			ox := x
			if rng.IntN(200) == 0 {
				ox += 3 // outlier
			}
			var m decode.Message
			m.Kind = decode.KindLocation
			m.Location = decode.Location{OccurredAt_ms: ts, Sensor: decode.SensorPlayer, ID: id,
				X_mm: int32(math.Round((ox + rng.NormFloat64()*0.05) * 1000)),
				Y_mm: int32(math.Round((y + rng.NormFloat64()*0.05) * 1000)), Z_mm: 60}
			if ball {
				m.Location.Sensor = decode.SensorBall
				m.Location.Z_mm = int32(1000 + rng.IntN(2000))
			}
			at := float64(ts)
			if rng.IntN(30) == 0 {
				at += rng.Float64() * 1500 // late or reordered
			}
			out = append(out, arrival{m, at})
			if rng.IntN(100) == 0 {
				out = append(out, arrival{m, at + rng.Float64()*300}) // duplicate
			}
		}
	}
	onTick := func(t int64) int64 {
		if rng.IntN(2) == 0 {
			return (t + per/2) / per * per
		}
		return t
	}
	types := []decode.MarkerType{decode.MarkerPlayStart, decode.MarkerEndFirstHalf, decode.MarkerPlayNext,
		decode.MarkerStartSecondHalf, decode.MarkerPlayEnd, decode.MarkerDrillStart, decode.MarkerDrillNext,
		decode.MarkerLive, decode.MarkerPaused, decode.MarkerFoul, decode.MarkerLive, decode.MarkerPaused}
	var last int64
	for k := rng.IntN(25); k > 0; k-- {
		t := onTick(start - 2000 + rng.Int64N(end-start+4000))
		if rng.IntN(4) == 0 && last != 0 {
			t = last // several markers at one time
		}
		last = t
		out = append(out, arrival{markerMsg(t, types[rng.IntN(len(types))]), float64(t) + (rng.Float64()*7-3)*1000})
	}
	version := map[int64]int64{}
	last = 0
	for k := rng.IntN(40); k > 0; k-- {
		t := onTick(start - 1000 + rng.Int64N(end-start+3000))
		if rng.IntN(4) == 0 && last != 0 {
			t = last // several checks at one time
		}
		last = t
		id := int64(999) // unknown
		switch r := rng.IntN(10); {
		case r < 7:
			id = players[rng.IntN(len(players))]
		case r < 8:
			id = int64(100 + nP) // a ball, if any
		}
		version[id]++
		var m decode.Message
		m.Kind = decode.KindStats
		m.Stats = decode.Stats{OccurredAt_ms: t, PlayerID: id, Version: version[id], Present: decode.HasPlayerID | decode.HasVersion}
		m.Stats.Values[decode.StatDIST] = float64(version[id]) * 1000
		m.Stats.Has.Add(decode.StatDIST)
		out = append(out, arrival{m, float64(t) + (rng.Float64()*6-2)*1000})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].t < out[j].t })
	d := degraded{cfg: cfg}
	for _, a := range out {
		d.msgs = append(d.msgs, a.m)
	}
	d.desc = fmt.Sprintf("seed %d: lag %v s, ring %d, max sensors %d, reorder %d ms, period %d ms, %d players, %d balls, %d messages",
		seed, cfg.Lag_s, cfg.RingSize, cfg.MaxSensors, cfg.ReorderWindow_ms, per, nP, nB, len(d.msgs))
	return d
}

// degradedMeta is a true-size NBA court whose frame is the sensor frame
// in metres, so that some generated positions are out of bounds.
func degradedMeta(tb testing.TB) Meta {
	tb.Helper()
	body := court.BodyFor(court.NBA, geom.NewSimilarity2(1000, 0, geom.Vec2{}))
	ct, err := court.New(&body, court.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	return Meta{SessionID: "degraded", Court: ct}
}

// recorder is a Sink and an Analyzer that keeps everything in order:
// batches, segments and frames.
type recorder struct {
	batches  [][]Sample
	segments []Segment
	frames   []recFrame
	sum      *Summary
	events   []string // "samples", "segment", "frame" in call order
}

type recFrame struct {
	T_ms           int64
	Period         int32
	Clock          ClockState
	Players, Balls []Sample
}

func (r *recorder) Samples(b []Sample) error {
	r.batches = append(r.batches, slices.Clone(b))
	r.events = append(r.events, "samples")
	return nil
}
func (r *recorder) Segment(s *Segment) error {
	r.segments = append(r.segments, *s)
	r.events = append(r.events, "segment")
	return nil
}
func (r *recorder) Close(s *Summary) error { r.sum = s; return nil }
func (r *recorder) Frame(f *Frame, _ func(*Segment) error) error {
	r.frames = append(r.frames, recFrame{f.T_ms, f.Period, f.Clock, slices.Clone(f.Players), slices.Clone(f.Balls)})
	r.events = append(r.events, "frame")
	return nil
}
func (r *recorder) Finish(*Summary, func(*Segment) error) error { return nil }

func (r *recorder) rows() []Sample {
	var out []Sample
	for _, b := range r.batches {
		out = append(out, b...)
	}
	return out
}

// runRecorded runs the feed with a recorder as sink and analyzer.
func runRecorded(tb testing.TB, d degraded, cfg Config) *recorder {
	tb.Helper()
	r := &recorder{}
	s, err := NewSession(cfg, degradedMeta(tb), r)
	if err != nil {
		tb.Fatal(err)
	}
	if err := s.Attach(r); err != nil {
		tb.Fatal(err)
	}
	for i := range d.msgs {
		if err := s.Feed(&d.msgs[i]); err != nil {
			tb.Fatalf("%s: feed %d: %v", d.desc, i, err)
		}
	}
	if _, err := s.Close(); err != nil {
		tb.Fatalf("%s: close: %v", d.desc, err)
	}
	return r
}

// TestBlockEmission checks the batch emission on degraded feeds:
//   - the rows, segments and summary do not depend on BatchRows (1, 2, 7,
//     4096: flushes inside a block or not at all);
//   - every batch ends at a tick boundary and holds at least BatchRows rows
//     (except the last), and fewer than BatchRows plus one tick's rows;
//   - each tick's rows are its players' then its balls', sensors in order
//     of appearance, each sensor's times strictly increasing;
//   - the analyzers' frames are exactly the sink's rows of their tick,
//     split into players and balls, with the rows' period and clock, and
//     each tick's frame comes before the batch that carries its rows.
func TestBlockEmission(t *testing.T) {
	seeds := 40
	if testing.Short() {
		seeds = 8
	}
	for seed := range uint64(seeds) {
		d := degradedFeed(seed)
		var ref *recorder
		for _, br := range []int{4096, 1, 2, 7} {
			cfg := d.cfg
			cfg.BatchRows = br
			r := runRecorded(t, d, cfg)
			rows := r.rows()
			where := fmt.Sprintf("%s, BatchRows %d", d.desc, br)
			if ref == nil {
				ref = r
				if len(rows) == 0 {
					t.Logf("%s: no rows", where)
				}
			} else {
				if !slices.Equal(rows, ref.rows()) {
					t.Fatalf("%s: %d rows differ from BatchRows 4096's %d", where, len(rows), len(ref.rows()))
				}
				if !slices.Equal(r.segments, ref.segments) {
					t.Fatalf("%s: segments differ from BatchRows 4096's", where)
				}
				if fmt.Sprintf("%+v", *r.sum) != fmt.Sprintf("%+v", *ref.sum) {
					t.Fatalf("%s: summary differs from BatchRows 4096's", where)
				}
			}
			checkBatches(t, where, r, br)
			checkFrames(t, where, r)
		}
	}
}

// checkBatches checks batch sizes and boundaries and the row order.
func checkBatches(t *testing.T, where string, r *recorder, batchRows int) {
	t.Helper()
	perTick := map[int64]int{}
	for _, row := range r.rows() {
		perTick[row.T_ms]++
	}
	for i, b := range r.batches {
		if len(b) == 0 {
			t.Fatalf("%s: batch %d is empty", where, i)
		}
		last := b[len(b)-1].T_ms
		if i+1 < len(r.batches) {
			if len(b) < batchRows {
				t.Fatalf("%s: batch %d has %d rows, want at least %d", where, i, len(b), batchRows)
			}
			if len(b) >= batchRows+perTick[last] {
				t.Fatalf("%s: batch %d has %d rows, want fewer than %d + %d", where, i, len(b), batchRows, perTick[last])
			}
			if r.batches[i+1][0].T_ms == last {
				t.Fatalf("%s: batch %d ends inside tick %d", where, i, last)
			}
		}
	}
	rows := r.rows()
	lastT := map[int64]int64{}
	for i, row := range rows {
		if p, ok := lastT[row.SensorID]; ok && row.T_ms <= p {
			t.Fatalf("%s: row %d: sensor %d at %d after %d", where, i, row.SensorID, row.T_ms, p)
		}
		lastT[row.SensorID] = row.T_ms
		if i > 0 && rows[i-1].T_ms == row.T_ms && rows[i-1].Kind == KindBall && row.Kind == KindPlayer {
			t.Fatalf("%s: row %d: player %d after a ball at %d", where, i, row.SensorID, row.T_ms)
		}
		if i > 0 && rows[i-1].T_ms > row.T_ms {
			t.Fatalf("%s: row %d at %d after %d", where, i, row.T_ms, rows[i-1].T_ms)
		}
	}
}

// checkFrames checks the analyzer frames against the rows.
func checkFrames(t *testing.T, where string, r *recorder) {
	t.Helper()
	rows := r.rows()
	k := 0
	for _, f := range r.frames {
		for k < len(rows) && rows[k].T_ms < f.T_ms {
			t.Fatalf("%s: rows at %d have no frame", where, rows[k].T_ms)
		}
		j := k
		for j < len(rows) && rows[j].T_ms == f.T_ms {
			j++
		}
		tick := rows[k:j]
		np := len(f.Players)
		if np+len(f.Balls) != len(tick) || !slices.Equal(f.Players, tick[:min(np, len(tick))]) || !slices.Equal(f.Balls, tick[min(np, len(tick)):]) {
			t.Fatalf("%s: frame at %d has %d players and %d balls, the tick's rows are %d", where, f.T_ms, np, len(f.Balls), len(tick))
		}
		for _, row := range f.Players {
			if row.Kind != KindPlayer || row.Period != f.Period || row.Clock != f.Clock {
				t.Fatalf("%s: frame at %d (period %d, clock %v): player row %+v", where, f.T_ms, f.Period, f.Clock, row)
			}
		}
		for _, row := range f.Balls {
			if row.Kind != KindBall || row.Period != f.Period || row.Clock != f.Clock {
				t.Fatalf("%s: frame at %d (period %d, clock %v): ball row %+v", where, f.T_ms, f.Period, f.Clock, row)
			}
		}
		k = j
	}
	if k != len(rows) {
		t.Fatalf("%s: rows from %d on have no frame", where, rows[k].T_ms)
	}
	// A tick's frame comes before the batch that carries its rows: the
	// number of frames seen before each batch covers its last row's tick.
	frames, b := 0, 0
	for _, e := range r.events {
		switch e {
		case "frame":
			frames++
		case "samples":
			last := r.batches[b][len(r.batches[b])-1].T_ms
			if frames == 0 || r.frames[frames-1].T_ms < last {
				t.Fatalf("%s: batch %d (up to %d) before its frame", where, b, last)
			}
			b++
		}
	}
}

// TestDistCheckIndependent: a DIST check's engine distance is the player's
// distance at the check's time, whatever other checks are pending: every
// check of a feed gives the same segment when its stats message is the
// only one of the feed (run once per stats message), in batch and live
// mode. Several checks per block, per tick and per player, checks for a
// ball or an unknown id, and checks resolved at Close occur in the feeds.
// (A message stale in the full feed, a lower version arriving after a
// higher one, makes no check there but one alone: the full feed's checks
// are a part of the single runs' ones.)
func TestDistCheckIndependent(t *testing.T) {
	seeds := 12
	if testing.Short() {
		seeds = 3
	}
	for seed := range uint64(seeds) {
		d := degradedFeed(100 + seed)
		for _, causal := range []bool{false, true} {
			cfg := d.cfg
			cfg.Causal = causal
			cfg.BatchRows = 7
			cfg.MaxSensors = 64 // no stats message dropped for too many ids
			all := runRecorded(t, d, cfg).segsOf(SegDistCheck)
			var single []Segment
			for i := range d.msgs {
				if d.msgs[i].Kind != decode.KindStats {
					continue
				}
				one := d
				one.msgs = nil
				for j, m := range d.msgs {
					if m.Kind != decode.KindStats || j == i {
						one.msgs = append(one.msgs, m)
					}
				}
				single = append(single, runRecorded(t, one, cfg).segsOf(SegDistCheck)...)
			}
			for _, want := range all {
				k := slices.Index(single, want)
				if k < 0 {
					t.Fatalf("%s, causal %v: check %+v differs when its message is the only one: %+v", d.desc, causal, want, single)
				}
				single = slices.Delete(single, k, k+1)
			}
		}
	}
}

func (r *recorder) segsOf(typ SegmentType) []Segment {
	var out []Segment
	for _, g := range r.segments {
		if g.Type == typ {
			out = append(out, g)
		}
	}
	return out
}

// failAt is a Sink and an Analyzer that fails once, at the k-th call of
// op ("samples", "segment", "dist_check" for a DIST check segment,
// "frame"), and keeps the rows it receives.
type failAt struct {
	op    string
	k     int
	calls int
	rows  []Sample
	atErr int               // len(rows) at the failure
	seen  map[[2]int64]bool // the rows of the frames it was given
}

var errFailAt = errors.New("failAt")

func (f *failAt) fail(op string) error {
	if op != f.op {
		return nil
	}
	f.calls++
	if f.calls == f.k {
		f.atErr = len(f.rows)
		return errFailAt
	}
	return nil
}

func (f *failAt) Samples(b []Sample) error {
	if err := f.fail("samples"); err != nil {
		return err
	}
	f.rows = append(f.rows, b...)
	return nil
}
func (f *failAt) Segment(s *Segment) error {
	if s.Type == SegDistCheck {
		if err := f.fail("dist_check"); err != nil {
			return err
		}
	}
	return f.fail("segment")
}
func (f *failAt) Close(*Summary) error { return nil }
func (f *failAt) Frame(fr *Frame, _ func(*Segment) error) error {
	if f.seen == nil {
		f.seen = map[[2]int64]bool{}
	}
	for _, r := range append(slices.Clone(fr.Players), fr.Balls...) {
		f.seen[[2]int64{r.SensorID, r.T_ms}] = true
	}
	return f.fail("frame")
}
func (f *failAt) Finish(*Summary, func(*Segment) error) error { return nil }

// TestEmitErrors: when a sink or an analyzer fails in the middle of a
// block and the caller goes on feeding and then closes, nothing panics,
// no row reaches the sinks twice nor out of time order, the rows before
// the failure are those of the session without it, and none comes after
// it: the session stays failed (every later Feed and the Close return
// the error). Without a failure, every row whose frame the analyzers saw
// reaches the sinks.
func TestEmitErrors(t *testing.T) {
	seeds := 16
	if testing.Short() {
		seeds = 4
	}
	for seed := range uint64(seeds) {
		d := degradedFeed(200 + seed)
		for _, br := range []int{1, 7, 4096} {
			cfg := d.cfg
			cfg.BatchRows = br
			cfg.MaxSensors = 64
			want := map[[2]int64]Sample{}
			for _, row := range runRecorded(t, d, cfg).rows() {
				want[[2]int64{row.SensorID, row.T_ms}] = row
			}
			for _, op := range []string{"samples", "segment", "dist_check", "frame"} {
				for _, k := range []int{1, 3, 20} {
					where := fmt.Sprintf("%s, BatchRows %d, failing at %s call %d", d.desc, br, op, k)
					f := &failAt{op: op, k: k}
					s, err := NewSession(cfg, degradedMeta(t), f)
					if err != nil {
						t.Fatal(err)
					}
					if err := s.Attach(f); err != nil {
						t.Fatal(err)
					}
					var first error
					rowsAtErr := 0
					for i := range d.msgs {
						err := s.Feed(&d.msgs[i])
						switch {
						case err == nil && first != nil:
							t.Fatalf("%s: feed %d after the failure returned nil", where, i)
						case err == nil:
						case !errors.Is(err, errFailAt):
							t.Fatalf("%s: feed: %v", where, err)
						case first == nil:
							first, rowsAtErr = err, len(f.rows)
						case err != first:
							t.Fatalf("%s: feed %d: %v, want the first error again", where, i, err)
						}
					}
					failed := first != nil
					if _, err := s.Close(); err != nil && !errors.Is(err, errFailAt) {
						t.Fatalf("%s: close: %v", where, err)
					} else if failed && err != first {
						t.Fatalf("%s: close: %v, want the feed's error %v", where, err, first)
					} else if err != nil {
						failed = true
					}
					if first != nil && len(f.rows) != rowsAtErr {
						t.Fatalf("%s: %d rows reached the sink after the failure", where, len(f.rows)-rowsAtErr)
					}
					if f.calls >= k && !failed {
						t.Fatalf("%s: the failure was not reported", where)
					}
					last := map[int64]int64{}
					for i, row := range f.rows {
						if p, ok := last[row.SensorID]; ok && row.T_ms <= p {
							t.Fatalf("%s: row %d: sensor %d at %d after %d (sent twice?)", where, i, row.SensorID, row.T_ms, p)
						}
						last[row.SensorID] = row.T_ms
						if w, ok := want[[2]int64{row.SensorID, row.T_ms}]; (!failed || i < f.atErr) && (!ok || w != row) {
							t.Fatalf("%s: row %d: %+v, want %+v (%v)", where, i, row, w, ok)
						}
						delete(f.seen, [2]int64{row.SensorID, row.T_ms})
					}
					if !failed && len(f.seen) > 0 {
						t.Fatalf("%s: %d rows seen by the analyzers never reached the sinks", where, len(f.seen))
					}
				}
			}
		}
	}
}

// appender is a Sink and an Analyzer that append to the slices they are
// given (allowed: the slices are theirs for the call) and keep the rows.
type appender struct{ rows []Sample }

func (a *appender) Samples(b []Sample) error {
	a.rows = append(a.rows, b...)
	_ = append(b, Sample{SensorID: -1}, Sample{SensorID: -2})
	return nil
}
func (a *appender) Segment(*Segment) error { return nil }
func (a *appender) Close(*Summary) error   { return nil }
func (a *appender) Frame(f *Frame, _ func(*Segment) error) error {
	_ = append(f.Players, Sample{SensorID: -3})
	_ = append(f.Balls, Sample{SensorID: -4})
	return nil
}
func (a *appender) Finish(*Summary, func(*Segment) error) error { return nil }

// TestAppendToBatch: a sink or an analyzer appending to the batch or to a
// frame's slices does not change the rows of the tick's balls or of the
// following ticks, in batch (BatchRows 1, 7, 4096) and live mode (0).
func TestAppendToBatch(t *testing.T) {
	for seed := range uint64(6) {
		d := degradedFeed(300 + seed)
		for _, br := range []int{1, 7, 4096, 0} {
			cfg := d.cfg
			cfg.BatchRows = max(br, 1)
			cfg.Causal = br == 0 // live mode
			want := runRecorded(t, d, cfg).rows()
			a := &appender{}
			s, err := NewSession(cfg, degradedMeta(t), a)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Attach(a); err != nil {
				t.Fatal(err)
			}
			for i := range d.msgs {
				if err := s.Feed(&d.msgs[i]); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := s.Close(); err != nil {
				t.Fatal(err)
			}
			if i := slices.IndexFunc(a.rows, func(r Sample) bool { return r.SensorID < 0 }); i >= 0 || !slices.Equal(a.rows, want) {
				t.Fatalf("%s, BatchRows %d: %d rows (appended row at %d), want %d", d.desc, br, len(a.rows), i, len(want))
			}
		}
	}
}

// FuzzBlockEmission runs TestBlockEmission's checks on the degraded feed
// of a fuzzed seed, with a fuzzed BatchRows against BatchRows 4096, in
// batch or live mode.
//
//	go test ./track -run '^$' -fuzz FuzzBlockEmission -fuzztime 60s
func FuzzBlockEmission(f *testing.F) {
	f.Add(uint64(1), uint16(1), false)
	f.Add(uint64(2), uint16(7), true)
	f.Fuzz(func(t *testing.T, seed uint64, batchRows uint16, causal bool) {
		d := degradedFeed(seed)
		cfg := d.cfg
		cfg.Causal = causal
		cfg.BatchRows = 4096
		ref := runRecorded(t, d, cfg)
		cfg.BatchRows = 1 + int(batchRows%64)
		r := runRecorded(t, d, cfg)
		where := fmt.Sprintf("%s, causal %v, BatchRows %d", d.desc, causal, cfg.BatchRows)
		if !slices.Equal(r.rows(), ref.rows()) || !slices.Equal(r.segments, ref.segments) {
			t.Fatalf("%s: rows or segments differ from BatchRows 4096's", where)
		}
		if !causal {
			checkBatches(t, where, r, cfg.BatchRows)
		}
		checkFrames(t, where, r)
	})
}

// TestMarkersAtTicks: each row's and frame's period and clock are the
// timeline's with every marker at or before the row's time applied, for
// markers on every one of the first ticks (block edges included), several
// at one tick, and period markers, delivered all ahead of the feed or each
// with the samples of its time; in batch mode with BatchRows 1 and 4096,
// and in live mode.
func TestMarkersAtTicks(t *testing.T) {
	const per = 50
	start := t0 - t0%per
	feed := gen(genSpec{start_ms: start, period_ms: per, dur_s: 12, noise_m: 0.05, seed: 3, sensors: []genSensor{
		{id: 1, p: circle(5, 2)}, {id: 2, p: line(0.5, 0.2), from: 1.3}, {id: 9, ball: true, p: circle(3, 6)}}})
	clocks := []decode.MarkerType{decode.MarkerLive, decode.MarkerPaused, decode.MarkerFoul}
	periods := []decode.MarkerType{decode.MarkerPlayStart, decode.MarkerPlayNext, decode.MarkerEndFirstHalf, decode.MarkerStartSecondHalf, decode.MarkerPlayNext, decode.MarkerPlayEnd}
	var marks []decode.Message
	for i := int64(0); i < 240; i++ {
		T := start + i*per
		if i < 60 || i%7 == 0 {
			marks = append(marks, markerMsg(T, clocks[i%3]))
		}
		if i%5 == 0 {
			marks = append(marks, markerMsg(T, clocks[(i+1)%3])) // a second one at the tick
		}
		if i%23 == 0 {
			marks = append(marks, markerMsg(T, periods[int(i/23)%len(periods)]))
		}
	}
	want := func(T int64) (int32, ClockState) {
		var tl timeline
		for _, m := range marks {
			if m.Marker.OccurredAt_ms <= T {
				tl.apply(m.Marker.Type)
			}
		}
		return tl.samplePeriod(), tl.clock
	}
	for _, delivery := range []string{"ahead", "with the samples"} {
		msgs := append(slices.Clone(marks), feed...)
		if delivery != "ahead" {
			msgs = merge(feed, marks)
		}
		for _, mode := range []struct {
			causal    bool
			batchRows int
		}{{false, 1}, {false, 4096}, {true, 1}} {
			cfg := DefaultConfig()
			cfg.Rate_Hz, cfg.Lag_s = 1000/per, 0.3
			cfg.Causal, cfg.BatchRows = mode.causal, mode.batchRows
			r := runRecorded(t, degraded{msgs: msgs, desc: "markers " + delivery}, cfg)
			rows := r.rows()
			if len(rows) < 400 {
				t.Fatalf("%s, %+v: %d rows", delivery, mode, len(rows))
			}
			for _, row := range rows {
				if p, c := want(row.T_ms); row.Period != p || row.Clock != c {
					t.Fatalf("%s, %+v: row of %d at tick %d: period %d clock %v, want %d %v", delivery, mode, row.SensorID, (row.T_ms-start)/per, row.Period, row.Clock, p, c)
				}
			}
			checkFrames(t, delivery, r)
		}
	}
}

// TestLiveBatchFigures: the figures and the DIST checks follow the
// smoothed track in both modes, so a player's distance, top speed and
// sprints, and each DIST check's engine distance, are the same in batch
// mode (figures added as each sensor's rows are written) and live mode
// (figures added tick by tick from the smoothed slots), to the bit. Batch
// without its marker hold (Config.MarkerHold_s): with it, a DIST update
// that came a lag late is checked at its own tick, which live mode has
// already left behind (and the figures by a marker that came late).
func TestLiveBatchFigures(t *testing.T) {
	type check struct {
		t, player    int64
		feed, engine float64
	}
	checks := func(r *recorder) []check {
		var out []check
		for _, g := range r.segsOf(SegDistCheck) {
			out = append(out, check{g.Start_ms, g.PlayerID, g.FeedDist_cm, g.EngineDist_cm})
		}
		return out
	}
	for seed := range uint64(20) {
		d := degradedFeed(400 + seed)
		cfg := d.cfg
		cfg.BatchRows = 7
		cfg.MarkerHold_s = 0
		batch := runRecorded(t, d, cfg)
		cfg.Causal = true
		live := runRecorded(t, d, cfg)
		if b, l := checks(batch), checks(live); !slices.Equal(b, l) {
			t.Fatalf("%s: DIST checks\n batch %+v\n live  %+v", d.desc, b, l)
		}
		for i, b := range batch.sum.Players {
			l := live.sum.Players[i]
			if b.PlayerID != l.PlayerID || b.Distance_m != l.Distance_m || b.RawDistance_m != l.RawDistance_m || b.TopSpeed_mps != l.TopSpeed_mps || b.Sprints != l.Sprints {
				t.Fatalf("%s: player %d: batch %+v, live %+v", d.desc, b.PlayerID, b, l)
			}
		}
	}
}

// TestDistOverflowError: when more DIST checks wait than the queue holds,
// the oldest is resolved at once; a sink failing on that check's segment
// fails the Feed that caused it, as every other sink failure does.
func TestDistOverflowError(t *testing.T) {
	f := &failAt{op: "dist_check", k: 1}
	s, err := NewSession(DefaultConfig(), Meta{}, f)
	if err != nil {
		t.Fatal(err)
	}
	var failedAt = -1
	for i := range maxPendingChecks + 10 {
		var m decode.Message
		m.Kind = decode.KindStats
		m.Stats = decode.Stats{OccurredAt_ms: t0 + int64(i), PlayerID: 7, Version: int64(i + 1), Present: decode.HasPlayerID | decode.HasVersion}
		m.Stats.Values[decode.StatDIST] = float64(i)
		m.Stats.Has.Add(decode.StatDIST)
		if err := s.Feed(&m); err != nil {
			if !errors.Is(err, errFailAt) {
				t.Fatalf("stats %d: %v", i, err)
			}
			failedAt = i
			break
		}
	}
	if failedAt != maxPendingChecks {
		t.Fatalf("the failed check's Feed returned an error at stats message %d, want %d", failedAt, maxPendingChecks)
	}
}
