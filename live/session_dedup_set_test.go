package live

import (
	"fmt"
	"strings"
	"testing"
)

// TestFIFOSet: the set holds at most max keys and maxWeight in all,
// forgetting the oldest first, and counts what it forgot.
func TestFIFOSet(t *testing.T) {
	s := newFIFOSet[int](4, nil, 0)
	for k := range 10 {
		if s.mark(k) {
			t.Fatalf("%d: a new key taken for one held", k)
		}
		if s.mark(k) {
			continue
		}
		t.Fatalf("%d: a key just added not held", k)
	}
	for k := range 10 {
		if got, want := s.has(k), k >= 6; got != want {
			t.Errorf("after 0..9 with room for 4: has(%d) = %v, want %v", k, got, want)
		}
	}
	if len(s.m) != 4 || s.forgotten != 6 {
		t.Errorf("%d keys held, %d forgotten; want 4 and 6", len(s.m), s.forgotten)
	}

	w := newFIFOSet(100, func(k string) int { return len(k) }, 10)
	for _, k := range []string{"aaaa", "bbbb", "cc", "dddd"} { // 4+4+2+4 > 10: aaaa goes
		w.mark(k)
	}
	if w.has("aaaa") || !w.has("bbbb") || !w.has("cc") || !w.has("dddd") || w.w != 10 {
		t.Errorf("weights: held %v (weight %d), want bbbb cc dddd (10)", w.m, w.w)
	}
	w.mark(strings.Repeat("x", 11)) // heavier than the whole bound: not kept
	if w.has(strings.Repeat("x", 11)) || len(w.m) != 3 || w.forgotten != 2 {
		t.Errorf("a key over the bound: held %v, forgotten %d; want the 3 before, 2", w.m, w.forgotten)
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
	if n := len(d.stats.m); n > maxDedupStats {
		t.Errorf("%d stats keys held after %d distinct, want at most %d", n, nStats, maxDedupStats)
	}
	if n := len(d.shots.m) + len(d.shotAt.m); n > 2*maxDedupShots {
		t.Errorf("%d shot keys held after %d distinct, want at most %d", n, nShots, 2*maxDedupShots)
	}
	if n, w := len(d.markers.m), d.markers.w; n > maxDedupMarkers || w > maxDedupMarkerText_B {
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
	if v, ok := d.statVersion(0); !ok || v != nStats-4*maxSensors {
		t.Errorf("statVersion(0) = %d, %v; want %d", v, ok, nStats-4*maxSensors)
	}
	if _, ok := d.statVersion(4*maxSensors - 1); ok {
		t.Error("a player beyond MaxSensors has a stats version")
	}
	// 3 times the bound, less the bound itself (the first stats replayed
	// added one more and forgot one more).
	want := int64(2*maxDedupStats + 1 + 2*maxDedupShots)
	if got := d.forgotten() - d.markers.forgotten; got != want || d.markers.forgotten < 2*maxDedupMarkers {
		t.Errorf("forgotten: %d stats and shots, %d markers; want %d and at least %d", got, d.markers.forgotten, want, 2*maxDedupMarkers)
	}
	r := SessionResult{LiveID: "x", DedupForgotten: d.forgotten()}
	if line := r.String(); !strings.Contains(line, fmt.Sprintf(", %d stats, shot and marker keys forgotten by the duplicate check", d.forgotten())) {
		t.Errorf("result line %q does not report what the duplicate check forgot", line)
	}
}
