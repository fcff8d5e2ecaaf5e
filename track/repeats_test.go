package track

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/synth"
)

// TestRepeatedShotsAndMarkers: a shot or marker line the feed delivers
// twice (a websocket dump across a reconnect, whose server resends the
// markers on connect; a recording concatenated twice) counts once, and
// the repeats are counted in Quality.RepeatedShots / RepeatedMarkers.
// Before, a repeated shot was a fifth row of a 4-shot game, a repeated
// PLAY_START numbered the whole game period 2, and a recording given
// twice had every shot and marker twice and its last samples in period 2.
func TestRepeatedShotsAndMarkers(t *testing.T) {
	if testing.Short() {
		t.Skip("simulates a game")
	}
	sc := synth.DefaultConfig()
	sc.Minutes, sc.Seed = 0.5, 3
	sc.DuplicateRate, sc.ReorderRate = 0, 0
	_, meta, messages := synthBundle(t, sc)
	data, err := os.ReadFile(messages)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(data), "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	// again gives the lines with the first line that has kind's type (or
	// the line i, for i ≥ 0) delivered twice.
	again := func(kind string, i int) string {
		var b strings.Builder
		for j, l := range lines {
			b.WriteString(l)
			if i < 0 && strings.Contains(l, `"type":"`+kind+`"`) || j == i {
				b.WriteString(l)
				i = j
			}
		}
		return b.String()
	}
	if !strings.Contains(lines[0], `"type":"PLAY_START"`) {
		t.Fatalf("the game starts with %s, want its PLAY_START", lines[0])
	}

	want := runRecording(t, meta, messages)
	shots, markers := want.segs(SegFeedShot), want.segs(SegMarker)
	if len(shots) == 0 || len(markers) < 3 {
		t.Fatalf("%d shots and %d markers: the game has nothing to repeat", len(shots), len(markers))
	}
	if q := want.sum.Quality; q.RepeatedShots != 0 || q.RepeatedMarkers != 0 {
		t.Fatalf("the game as simulated: %d repeated shots, %d repeated markers, want none", q.RepeatedShots, q.RepeatedMarkers)
	}

	cases := []struct {
		name                string
		recording           string
		shots, markers      int64 // repeats
		sameSamples, twiceQ bool
	}{
		{"shot twice", again("shot", -1), 1, 0, true, false},
		{"PLAY_START twice", again("", 0), 0, 1, true, false},
		{"recording twice", strings.Repeat(string(data), 2), int64(len(shots)), int64(len(markers)), false, true},
	}
	for _, c := range cases {
		path := filepath.Join(t.TempDir(), "messages.jsonl")
		if err := os.WriteFile(path, []byte(c.recording), 0o644); err != nil {
			t.Fatal(err)
		}
		got := runRecording(t, meta, path)
		q := got.sum.Quality
		if q.RepeatedShots != c.shots || q.RepeatedMarkers != c.markers {
			t.Errorf("%s: %d repeated shots, %d repeated markers; want %d, %d", c.name, q.RepeatedShots, q.RepeatedMarkers, c.shots, c.markers)
		}
		// The shots and markers are the game's, once each, in their periods.
		if g := got.segs(SegFeedShot); !reflect.DeepEqual(g, shots) {
			t.Errorf("%s: %d shot segments, want the game's %d:\n got  %+v\n want %+v", c.name, len(g), len(shots), g, shots)
		}
		if g := got.segs(SegMarker); !reflect.DeepEqual(g, markers) {
			t.Errorf("%s: %d marker segments, want the game's %d:\n got  %+v\n want %+v", c.name, len(g), len(markers), g, markers)
		}
		periods, wantPeriods := samplePeriods(got.samples), samplePeriods(want.samples)
		if fmt.Sprint(periods) != fmt.Sprint(wantPeriods) {
			t.Errorf("%s: samples by period %v, want %v", c.name, periods, wantPeriods)
		}
		if c.sameSamples && !reflect.DeepEqual(got.samples, want.samples) {
			t.Errorf("%s: the samples changed", c.name)
		}
		if c.twiceQ && q.Late+q.Duplicates < q.Locations/2 {
			// The second copy's samples are duplicates as far back as
			// the rings remember, late before.
			t.Errorf("%s: %d late, %d duplicates of %d locations: the second copy's samples were taken", c.name, q.Late, q.Duplicates, q.Locations)
		}
	}
}

// runRecording runs the engine on the recording at path as analyze does
// (FeedLine, the analyzers attached) and returns what it produced.
func runRecording(t *testing.T, meta Meta, path string) *collect {
	t.Helper()
	c := &collect{}
	s, err := NewSession(DefaultConfig(), meta, c)
	if err != nil {
		t.Fatal(err)
	}
	attachAnalyzers(t, s, meta, false)
	r, err := decode.OpenRecording(path, decode.ReaderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var m decode.Message
	for r.Next(&m) {
		if err := s.FeedLine(&m, r.Line()); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return c
}

// samplePeriods counts samples by period.
func samplePeriods(rows []Sample) map[int32]int {
	n := map[int32]int{}
	for _, r := range rows {
		n[r.Period]++
	}
	return n
}

// TestRepeatKeys: what makes a shot or marker a repeat. A correction (a
// make turned into a miss, another zone) is another shot; a PLAY_NEXT
// naming another live id, or an unknown type of another name, another
// marker; a repeat fed without its line (Feed) is still one.
func TestRepeatKeys(t *testing.T) {
	const t0 = int64(1_700_000_000_000)
	shot := decode.Shot{OccurredAt_ms: t0, PlayerID: 7, TeamID: 1, IsMake: true, Zone: 3, HoopPlayerX_mm: 100, HoopPlayerY_mm: -50}
	var r repeats
	r.init()
	f := func(what string, got, want bool) {
		t.Helper()
		if got != want {
			t.Errorf("%s: repeat %v, want %v", what, got, want)
		}
	}
	f("first shot", r.shot(&shot), false)
	f("the same shot", r.shot(&shot), true)
	s2 := shot
	s2.Is3Point, s2.Status = true, decode.ShotStatus(1) // not in the key
	f("the same shot, other status", r.shot(&s2), true)
	for _, change := range []func(*decode.Shot){
		func(s *decode.Shot) { s.IsMake = false },
		func(s *decode.Shot) { s.Zone = 4 },
		func(s *decode.Shot) { s.HoopPlayerX_mm++ },
		func(s *decode.Shot) { s.HoopPlayerY_mm++ },
		func(s *decode.Shot) { s.PlayerID++ },
		func(s *decode.Shot) { s.OccurredAt_ms++ },
	} {
		s := shot
		change(&s)
		f(fmt.Sprintf("%+v", s), r.shot(&s), false)
	}

	var dec decode.Decoder
	var m decode.Message
	marker := func(line string, withLine bool) bool {
		t.Helper()
		if err := dec.Decode([]byte(line), &m); err != nil {
			t.Fatal(err)
		}
		if !withLine {
			return r.marker(&m.Marker, nil)
		}
		return r.marker(&m.Marker, []byte(line))
	}
	lines := []string{
		fmt.Sprintf(`{"type":"marker","data":{"occurred_at":%d,"type":"PLAY_START"}}`, t0),
		fmt.Sprintf(`{"type":"marker","data":{"occurred_at":%d,"type":"PLAY_START"}}`, t0+1),
		fmt.Sprintf(`{"type":"marker","data":{"occurred_at":%d,"type":"LIVE"}}`, t0),
		fmt.Sprintf(`{"type":"marker","data":{"occurred_at":%d,"live_id":"a","type":"PLAY_NEXT"}}`, t0),
		fmt.Sprintf(`{"type":"marker","data":{"occurred_at":%d,"live_id":"b","type":"PLAY_NEXT"}}`, t0),
		fmt.Sprintf(`{"type":"marker","data":{"occurred_at":%d,"type":"HALFTIME_SHOW"}}`, t0),
		fmt.Sprintf(`{"type":"marker","data":{"occurred_at":%d,"type":"TIMEOUT"}}`, t0),
	}
	for _, l := range lines {
		f(l, marker(l, true), false)
	}
	for _, l := range lines {
		f(l+" again", marker(l, true), true)
	}
	f("PLAY_START fed without its line", marker(lines[0], false), true)
}

// TestMarkerKeyUnescaped: a marker's live id and type text are compared
// as their values, JSON escapes decoded: a resent PLAY_NEXT whose live id
// a server escapes otherwise is the same marker (the key once held the
// raw bytes, so `next\u002dhalf` and `next-half` were two markers, and
// the engine opened another period). The key costs one allocation (its
// string), escaped or not, and none for a marker without text.
func TestMarkerKeyUnescaped(t *testing.T) {
	var dec decode.Decoder
	key := func(line string) MarkerKey {
		t.Helper()
		var m decode.Message
		if err := dec.Decode([]byte(line), &m); err != nil {
			t.Fatal(err)
		}
		return MarkerKeyOf(&m.Marker, []byte(line))
	}
	for _, c := range []struct{ a, b string }{
		{`{"type":"marker","data":{"occurred_at":9,"live_id":"next-half","type":"PLAY_NEXT"}}`,
			`{"type":"marker","data":{"occurred_at":9,"live_id":"next\u002dhalf","type":"PLAY_NEXT"}}`},
		{`{"type":"marker","data":{"occurred_at":9,"live_id":"a/b","type":"DRILL_NEXT"}}`,
			`{"type":"marker","data":{"occurred_at":9,"live_id":"a\/b","type":"DRILL_NEXT"}}`},
		{`{"type":"marker","data":{"occurred_at":9,"type":"HALFTIME_SHOW"}}`,
			`{"type":"marker","data":{"occurred_at":9,"type":"HALFTIME\u005fSHOW"}}`},
	} {
		if ka, kb := key(c.a), key(c.b); ka != kb {
			t.Errorf("%s\n%s\nkeys %+v and %+v, want the same", c.a, c.b, ka, kb)
		}
	}
	if k := key(`{"type":"marker","data":{"occurred_at":9,"live_id":"next\u002dhalf","type":"PLAY_NEXT"}}`); k.Text != "PLAY_NEXT|next-half" {
		t.Errorf("key text %q, want %q", k.Text, "PLAY_NEXT|next-half")
	}
	for _, c := range []struct {
		line   string
		allocs float64
	}{
		{`{"type":"marker","data":{"occurred_at":9,"type":"PLAY_START"}}`, 0},
		{`{"type":"marker","data":{"occurred_at":9,"live_id":"3f2b8c1e-6a4d-4e1b-9c7a-2d5e8f0a1b3c","type":"PLAY_NEXT"}}`, 1},
		{`{"type":"marker","data":{"occurred_at":9,"live_id":"3f2b8c1e\u002d6a4d-4e1b-9c7a-2d5e8f0a1b3c","type":"PLAY_NEXT"}}`, 1},
	} {
		var m decode.Message
		line := []byte(c.line)
		if err := dec.Decode(line, &m); err != nil {
			t.Fatal(err)
		}
		if got := testing.AllocsPerRun(100, func() { MarkerKeyOf(&m.Marker, line) }); got > c.allocs {
			t.Errorf("%s: %v allocations, want at most %v", c.line, got, c.allocs)
		}
	}
}

// TestRepeatsBounded: a feed sending endless distinct shots and markers
// does not grow the engine's repeat check past its bounds (it once kept
// one entry per shot and marker: 2 M distinct shots fed to a session
// left 202 MB of heap in use, peak RSS 236 MB; now 5 MB and 12 MB); the
// newest are still dropped when repeated, and what was forgotten is
// counted in Quality.RepeatsForgotten.
func TestRepeatsBounded(t *testing.T) {
	const nShots, nMarkers = 200_000, 3 * MaxRepeatMarkers
	s, err := NewSession(DefaultConfig(), Meta{}, &discard{})
	if err != nil {
		t.Fatal(err)
	}
	var dec decode.Decoder
	var m decode.Message
	feed := func(line string) {
		t.Helper()
		if err := dec.Decode([]byte(line), &m); err != nil {
			t.Fatalf("%s: %v", line, err)
		}
		if err := s.FeedLine(&m, []byte(line)); err != nil {
			t.Fatal(err)
		}
	}
	shot := func(i int) string {
		return fmt.Sprintf(`{"type":"shot","data":{"occurred_at":%d,"team_id":1,"player_id":%d,"is_make":true,"zone":1,"hoop_player_x":10,"hoop_player_y":20}}`, 1000+i, 1+i%7)
	}
	long := strings.Repeat("L", 1000) // 4 096 such keys would be 4 MB
	marker := func(i int) string {
		return fmt.Sprintf(`{"type":"marker","data":{"occurred_at":%d,"live_id":"%s%d","type":"PLAY_NEXT"}}`, 1000+i, long, i)
	}
	for i := range nShots {
		feed(shot(i))
	}
	for i := range nMarkers {
		feed(marker(i))
	}
	r := &s.repeats
	if n := r.shots.Len(); n > MaxRepeatShots {
		t.Errorf("%d shot keys held after %d distinct, want at most %d", n, nShots, MaxRepeatShots)
	}
	if n, w := r.markers.Len(), r.markers.Weight(); n > MaxRepeatMarkers || w > MaxRepeatMarkerText_B {
		t.Errorf("%d marker keys (%d bytes of text) held after %d distinct, want at most %d (%d bytes)", n, w, nMarkers, MaxRepeatMarkers, MaxRepeatMarkerText_B)
	}
	// The newest are still dropped when repeated; the first, forgotten,
	// counts again.
	feed(shot(nShots - 1))
	feed(marker(nMarkers - 1))
	feed(shot(0))
	sum, err := s.Close()
	if err != nil {
		t.Fatal(err)
	}
	q := sum.Quality
	if q.RepeatedShots != 1 || q.RepeatedMarkers != 1 {
		t.Errorf("the newest shot and marker repeated: %d repeated shots, %d repeated markers; want 1, 1", q.RepeatedShots, q.RepeatedMarkers)
	}
	// Every shot beyond the bound forgot one (the first shot fed again
	// added one more and forgot one more); the markers forgot at least as
	// many beyond theirs, more as their text filled its bound first.
	wantShots := int64(nShots - MaxRepeatShots + 1)
	if got := r.shots.Forgotten(); got != wantShots {
		t.Errorf("%d shot keys forgotten, want %d", got, wantShots)
	}
	if got := r.markers.Forgotten(); got < nMarkers-MaxRepeatMarkers || got > nMarkers {
		t.Errorf("%d marker keys forgotten, want %d to %d", got, nMarkers-MaxRepeatMarkers, nMarkers)
	}
	if want := r.shots.Forgotten() + r.markers.Forgotten(); q.RepeatsForgotten != want {
		t.Errorf("Quality.RepeatsForgotten %d, want %d", q.RepeatsForgotten, want)
	}
}
