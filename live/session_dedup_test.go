package live

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stmotion/stmotion/decode"
)

func TestDedup(t *testing.T) {
	loc := func(id, t_ms, x int) string {
		return `{"type":"location","data":{"occurred_at":` + itoa(t_ms) + `,"type":"PLAYER","id":` + itoa(id) + `,"x":` + itoa(x) + `,"y":0,"z":0}}`
	}
	stats := func(player, version int) string {
		return `{"type":"stats","data":{"occurred_at":1,"team_id":1,"player_id":` + itoa(player) + `,"stats":{"PTS":2.0},"classification":"TWO_POINT_MAKE","version":` + itoa(version) + `}}`
	}
	shot := `{"type":"shot","data":{"occurred_at":5,"team_id":1,"player_id":7,"is_make":true,"is_3point":false,"zone":1,"hoop_player_x":10,"hoop_player_y":20,"status":"RECORDED"}}`
	marker := `{"type":"marker","data":{"occurred_at":9,"type":"LIVE"}}`
	next := func(id string) string {
		return `{"type":"marker","data":{"occurred_at":9,"live_id":"` + id + `","type":"PLAY_NEXT"}}`
	}
	steps := []struct {
		line string
		dup  bool
	}{
		{loc(1, 1000, 5), false},
		{loc(1, 1000, 5), true},    // replayed
		{loc(1, 1000, 6), false},   // same time, other position: a different sample
		{loc(2, 1000, 5), false},   // other sensor
		{loc(1, 1100, 5), false},   // newer
		{loc(1, 900, 5), false},    // older, within the 250 ms window: a reordered sample
		{loc(1, 2000, 5), false},   // jump ahead
		{loc(1, 1100, 5), true},    // older than the window behind 2000: a replay
		{stats(7, 3), false},       //
		{stats(7, 3), true},        // same version
		{stats(7, 4), false},       // a correction
		{stats(8, 3), false},       // other player, same version
		{shot, false},              //
		{shot, true},               //
		{marker, false},            //
		{marker, true},             //
		{next("A"), false},         //
		{next("B"), false},         // another next live id
		{`{"type":"pong"}`, false}, // control messages are never duplicates
		{`{"type":"pong"}`, false},
	}
	d := newDedup(250, 1024, nil)
	var dec decode.Decoder
	var m decode.Message
	for i, s := range steps {
		if err := dec.Decode([]byte(s.line), &m); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if got := d.seen(&m, []byte(s.line)); got != s.dup {
			t.Errorf("step %d %s: duplicate %v, want %v", i, s.line, got, s.dup)
		}
	}
	if v, ok := d.StatVersion(7); !ok || v != 4 {
		t.Errorf("StatVersion(7) = %d, %v; want 4", v, ok)
	}
}

func itoa(v int) string {
	var b [20]byte
	i := len(b)
	neg := v < 0
	if neg {
		v = -v
	}
	for {
		i--
		b[i] = byte('0' + v%10)
		v /= 10
		if v == 0 {
			break
		}
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}

// TestDedupBadTime: one sample far ahead of its sensor's others does not
// turn the sensor's later samples into replays (a sample a day ahead had
// 1336 genuine samples of a live game dropped as duplicates), while a
// real jump (half time with the feed off) still moves the sensor's newest
// time once its next sample confirms it, and a replay after it is caught.
func TestDedupBadTime(t *testing.T) {
	const day = 86_400_000
	loc := func(t_ms, x int) string {
		return `{"type":"location","data":{"occurred_at":` + itoa(t_ms) + `,"type":"PLAYER","id":1,"x":` + itoa(x) + `,"y":0,"z":0}}`
	}
	steps := []struct {
		line string
		dup  bool
	}{
		{loc(10_000, 1), false},
		{loc(10_040, 2), false},
		{loc(10_080+day, 3), false}, // a bad clock: recorded, the engine drops it
		{loc(10_080, 4), false},     // the sensor goes on
		{loc(10_120, 5), false},
		{loc(10_000, 1), true},       // replayed
		{loc(9_000, 9), true},        // older than the window: a replay
		{loc(10_160+day, 10), false}, // two bad clocks, 40 ms apart:
		{loc(10_200+day, 11), false}, // not a second of the feed
		{loc(10_160, 12), false},     // the sensor goes on: not replays
		{loc(10_200, 13), false},
		{loc(910_000, 6), false},  // after 15 minutes off
		{loc(910_040, 7), false},  // the feed goes on...
		{loc(911_000, 14), false}, // ...for a second: confirmed
		{loc(10_240, 8), true},    // a replay of the first half
	}
	d := newDedup(250, 1024, nil)
	var dec decode.Decoder
	var m decode.Message
	for i, s := range steps {
		if err := dec.Decode([]byte(s.line), &m); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if got := d.seen(&m, []byte(s.line)); got != s.dup {
			t.Errorf("step %d %s: duplicate %v, want %v", i, s.line, got, s.dup)
		}
	}
	// A sensor whose first sample has a bad clock.
	d = newDedup(250, 1024, nil)
	for i, s := range []struct {
		line string
		dup  bool
	}{{loc(5_000+day, 1), false}, {loc(5_000, 2), false}, {loc(5_040, 3), false}, {loc(5_080, 4), false}, {loc(4_000, 5), true}} {
		if err := dec.Decode([]byte(s.line), &m); err != nil {
			t.Fatal(err)
		}
		if got := d.seen(&m, []byte(s.line)); got != s.dup {
			t.Errorf("first bad, step %d %s: duplicate %v, want %v", i, s.line, got, s.dup)
		}
	}
}

// TestDedupSensorsBounded: a feed inventing a new sensor id in every
// location does not grow the filter past the engine's MaxSensors (it
// once kept a ring for every id ever seen: 800 000 ids, 794 MB); the ids
// beyond the bound are let through, never taken for replays, and the
// tracked ones are still filtered. Without allocating per message.
func TestDedupSensorsBounded(t *testing.T) {
	const maxSensors = 64
	loc := func(id, t_ms int) []byte {
		return []byte(`{"type":"location","data":{"occurred_at":` + itoa(t_ms) + `,"type":"PLAYER","id":` + itoa(id) + `,"x":1,"y":2,"z":3}}`)
	}
	d := newDedup(250, maxSensors, nil)
	var dec decode.Decoder
	var m decode.Message
	seen := func(line []byte) bool {
		t.Helper()
		if err := dec.Decode(line, &m); err != nil {
			t.Fatal(err)
		}
		return d.seen(&m, line)
	}
	for id := range 100 * maxSensors {
		if seen(loc(id, 1000)) {
			t.Fatalf("id %d's first sample taken for a duplicate", id)
		}
	}
	if len(d.sensors) != maxSensors {
		t.Errorf("%d sensors tracked after %d distinct ids, want the bound %d", len(d.sensors), 100*maxSensors, maxSensors)
	}
	if !seen(loc(0, 1000)) {
		t.Error("a replay of a tracked sensor let through")
	}
	if seen(loc(5*maxSensors, 1000)) {
		t.Error("an untracked sensor's sample taken for a duplicate")
	}
	tracked, untracked := loc(1, 2000), loc(7*maxSensors, 2000)
	if allocs := testing.AllocsPerRun(100, func() {
		dec.Decode(tracked, &m)
		d.seen(&m, tracked)
		dec.Decode(untracked, &m)
		d.seen(&m, untracked)
	}); allocs != 0 {
		t.Errorf("%v allocations per tracked and untracked location, want 0", allocs)
	}
	if len(d.sensors) != maxSensors {
		t.Errorf("%d sensors tracked, want %d", len(d.sensors), maxSensors)
	}
}

// Once bogus one-sample ids fill the table, a ball, a roster player or a
// player the stats name takes one's place, so that its replays are still
// caught (the engine lets them in the same way); another new id does not.
func TestDedupBogusIDsGivePlace(t *testing.T) {
	const maxSensors = 8
	loc := sensorLoc
	roster := []decode.RosterTeam{{ID: 1, Players: []decode.Player{{ID: 501}}}}
	d := newDedup(250, maxSensors, roster)
	seen := dedupSeen(t, d)
	for id := range 3 * maxSensors {
		seen(loc("PLAYER", 900000+id, 1000))
	}
	stats := []byte(`{"type":"stats","data":{"occurred_at":1000,"player_id":502,"team_id":1,"version":1,"stats":{"PTS":2}}}`)
	seen(stats)
	for _, c := range []struct {
		typ    string
		id     int
		caught bool
	}{{"PLAYER", 501, true}, {"BALL", 7, true}, {"PLAYER", 502, true}, {"PLAYER", 503, false}} {
		line := loc(c.typ, c.id, 1040)
		if seen(line) {
			t.Errorf("%s %d: its first sample taken for a duplicate", c.typ, c.id)
		}
		if got := seen(line); got != c.caught {
			t.Errorf("%s %d: its replay caught %v, want %v", c.typ, c.id, got, c.caught)
		}
	}
	if len(d.sensors) != maxSensors {
		t.Errorf("%d sensors tracked, want the bound %d", len(d.sensors), maxSensors)
	}
}

// TestDedupSensorIDPerType: ids are unique per sensor type only (the
// engine keeps a ball and a player of the same id apart, track.Session's
// two id tables), so a ball's sample is no duplicate of the player's of
// the same id, time and position, nor the other way: the filter once
// keyed sensors by id alone and kept the second out of the recording.
// A ball never holds a place as a roster player or a player the stats
// name: bogus ball ids with such ids give theirs up as other ones do.
func TestDedupSensorIDPerType(t *testing.T) {
	loc := sensorLoc
	roster := []decode.RosterTeam{{ID: 1, Players: []decode.Player{{ID: 7}, {ID: 8}}}}
	seen := dedupSeen(t, newDedup(250, 2, roster))
	for i, s := range []struct {
		line []byte
		dup  bool
	}{
		{loc("PLAYER", 7, 1000), false},
		{loc("BALL", 7, 1000), false}, // another sensor
		{loc("PLAYER", 7, 1000), true},
		{loc("BALL", 7, 1000), true},
		{loc("BALL", 7, 1040), false},
		{loc("PLAYER", 7, 1040), false},
		// The table (2) is full; ball 7 has sent two samples, and player
		// 8 on the roster takes its place, not player 7's.
		{loc("PLAYER", 8, 1040), false},
		{loc("PLAYER", 8, 1040), true},
		{loc("PLAYER", 7, 1040), true},
	} {
		if got := seen(s.line); got != s.dup {
			t.Errorf("step %d %s: duplicate %v, want %v", i, s.line, got, s.dup)
		}
	}
}

// sensorLoc is a location line of sensor id of type typ at t_ms.
func sensorLoc(typ string, id, t_ms int) []byte {
	return []byte(`{"type":"location","data":{"occurred_at":` + itoa(t_ms) + `,"type":"` + typ + `","id":` + itoa(id) + `,"x":1,"y":2,"z":3}}`)
}

// dedupSeen returns a function that decodes line and asks d whether it
// was received before.
func dedupSeen(t *testing.T, d *dedup) func(line []byte) bool {
	var dec decode.Decoder
	var m decode.Message
	return func(line []byte) bool {
		t.Helper()
		if err := dec.Decode(line, &m); err != nil {
			t.Fatal(err)
		}
		return d.seen(&m, line)
	}
}

// TestDedupMessagesBounded: a feed sending endless distinct stats, shots
// and markers does not grow the filter past its bounds (it once kept one
// entry per message: 1 M distinct stats messages, 103 MB of heap); the
// newest are still caught when replayed, what was forgotten is counted,
// and a player's newest version and the players the stats name stay
// right (the latter bounded by MaxSensors, as in the engine).
func TestDedupMessagesBounded(t *testing.T) {
	const maxSensors = 16
	d := newDedup(250, maxSensors, nil)
	seenLine := dedupSeen(t, d)
	seen := func(line string) bool { t.Helper(); return seenLine([]byte(line)) }
	stats := func(player, version int) string {
		return fmt.Sprintf(`{"type":"stats","data":{"occurred_at":%d,"team_id":1,"player_id":%d,"stats":{"PTS":2.0},"version":%d}}`, 1000+version, player, version)
	}
	shot := func(i int) string {
		return fmt.Sprintf(`{"type":"shot","data":{"occurred_at":%d,"team_id":1,"player_id":%d,"is_make":true,"zone":1,"hoop_player_x":10,"hoop_player_y":20}}`, 1000+i, i%7)
	}
	marker := func(i int, id string) string {
		return fmt.Sprintf(`{"type":"marker","data":{"occurred_at":%d,"live_id":"%s","type":"PLAY_NEXT"}}`, 1000+i, id)
	}
	const nStats, nShots, nMarkers = 3 * maxDedupStats, 3 * maxDedupShots, 3 * maxDedupMarkers
	for v := range nStats {
		if seen(stats(v%(4*maxSensors), v)) {
			t.Fatalf("stats version %d taken for a duplicate", v)
		}
	}
	for i := range nShots {
		if seen(shot(i)) {
			t.Fatalf("shot %d taken for a duplicate", i)
		}
	}
	long := strings.Repeat("L", 1000) // 4 096 of them would be 4 MB
	for i := range nMarkers {
		if seen(marker(i, fmt.Sprint(long, i))) {
			t.Fatalf("marker %d taken for a duplicate", i)
		}
	}
	if n := d.stats.Len(); n > maxDedupStats {
		t.Errorf("%d stats keys held after %d distinct, want at most %d", n, nStats, maxDedupStats)
	}
	if n := d.shots.Len() + d.shotAt.Len(); n > 2*maxDedupShots {
		t.Errorf("%d shot keys held after %d distinct, want at most %d", n, nShots, 2*maxDedupShots)
	}
	if n, w := d.markers.Len(), d.markers.Weight(); n > maxDedupMarkers || w > maxDedupMarkerText_B {
		t.Errorf("%d marker keys (%d bytes of text) held after %d distinct, want at most %d (%d bytes)", n, w, nMarkers, maxDedupMarkers, maxDedupMarkerText_B)
	}
	if len(d.named) != maxSensors {
		t.Errorf("%d players named held, want MaxSensors %d", len(d.named), maxSensors)
	}
	for _, c := range []struct {
		what string
		line string
	}{
		{"the newest stats", stats((nStats-1)%(4*maxSensors), nStats-1)},
		{"the newest shot", shot(nShots - 1)},
		{"the newest marker", marker(nMarkers-1, fmt.Sprint(long, nMarkers-1))},
	} {
		if !seen(c.line) {
			t.Errorf("%s replayed: not caught", c.what)
		}
	}
	if seen(stats(0, 0)) {
		t.Error("the first stats replayed: caught, but its key should have been forgotten")
	}
	if v, ok := d.StatVersion(0); !ok || v != nStats-4*maxSensors {
		t.Errorf("StatVersion(0) = %d, %v; want %d", v, ok, nStats-4*maxSensors)
	}
	if _, ok := d.StatVersion(4*maxSensors - 1); ok {
		t.Error("a player beyond MaxSensors has a stats version")
	}
	// 3 times the bound, less the bound itself (the first stats replayed
	// added one more and forgot one more).
	want := int64(2*maxDedupStats + 1 + 2*maxDedupShots)
	if got := d.forgotten() - d.markers.Forgotten(); got != want || d.markers.Forgotten() < 2*maxDedupMarkers {
		t.Errorf("forgotten: %d stats and shots, %d markers; want %d and at least %d", got, d.markers.Forgotten(), want, 2*maxDedupMarkers)
	}
	r := SessionResult{LiveID: "x", DedupForgotten: d.forgotten()}
	if line := r.String(); !strings.Contains(line, fmt.Sprintf(", %d stats, shot and marker keys forgotten by the duplicate check", d.forgotten())) {
		t.Errorf("result line %q does not report what the duplicate check forgot", line)
	}
}
