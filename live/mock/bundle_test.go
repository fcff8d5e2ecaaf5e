package mock

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stmotion/stmotion/decode"
)

func tinyBundle(t *testing.T) (string, *bundle) {
	t.Helper()
	dir := t.TempDir()
	if err := WriteTinyBundle(dir); err != nil {
		t.Fatal(err)
	}
	b, err := loadBundle(dir, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	return dir, b
}

// A recorded feed has CRLF endings, blank lines, connection-level lines,
// garbage and timestamps out of order; the replay keeps every data line
// verbatim and in file order.
func TestLoadFeedOddities(t *testing.T) {
	dir, _ := tinyBundle(t)
	feed := "" +
		`{"data":{"socketSessionId":"x","serverAttributes":{}},"action":"subscribe","type":"ack"}` + "\r\n" +
		`{"type":"marker","data":{"occurred_at":1000,"type":"LIVE"}}` + "\r\n" +
		"\r\n" +
		`{"type":"location","data":{"occurred_at":1200,"type":"PLAYER","id":1,"x":1,"y":2,"z":3}}` + "\n" +
		`{"type":"location","data":{"occurred_at":1100,"type":"BALL","id":2,"x":1,"y":2,"z":3}}` + "\n" +
		`{"type":"pong"}` + "\n" +
		`not json at all` + "\n" +
		`{"type":"stats","data":{"occurred_at":1300,"team_id":5,"player_id":1,"stats":{"PTS":2.0},"version":7}}` + "\n" +
		`{"type":"shot","data":{"occurred_at":1400,"team_id":5,"player_id":1,"is_make":true,"zone":3,"hoop_player_x":-10,"hoop_player_y":20,"status":"RECORDED"}}`
	if err := os.WriteFile(filepath.Join(dir, "messages.jsonl"), []byte(feed), 0o644); err != nil {
		t.Fatal(err)
	}
	b, err := loadBundle(dir, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		text string
		kind lineKind
		rel  int64
	}{
		{`{"type":"marker","data":{"occurred_at":1000,"type":"LIVE"}}`, lineOther, 0},
		{`{"type":"location","data":{"occurred_at":1200,"type":"PLAYER","id":1,"x":1,"y":2,"z":3}}`, lineLocation, 200},
		{`{"type":"location","data":{"occurred_at":1100,"type":"BALL","id":2,"x":1,"y":2,"z":3}}`, lineLocation, 200}, // late: keeps its place
		{`not json at all`, lineOther, 200},
		{`{"type":"stats","data":{"occurred_at":1300,"team_id":5,"player_id":1,"stats":{"PTS":2.0},"version":7}}`, lineStats, 300},
		{`{"type":"shot","data":{"occurred_at":1400,"team_id":5,"player_id":1,"is_make":true,"zone":3,"hoop_player_x":-10,"hoop_player_y":20,"status":"RECORDED"}}`, lineShot, 400},
	}
	if len(b.lines) != len(want) {
		t.Fatalf("%d lines, want %d", len(b.lines), len(want))
	}
	for i, w := range want {
		if got := b.line(i); !bytes.Equal(got, []byte(w.text)) || b.lines[i].kind != w.kind || b.lines[i].rel_ms != w.rel {
			t.Errorf("line %d: %q kind %d rel %d ms, want %q kind %d rel %d ms", i, got, b.lines[i].kind, b.lines[i].rel_ms, w.text, w.kind, w.rel)
		}
	}
	if b.unparsed != 1 || b.span_ms != 400 || len(b.stats) != 1 || len(b.shots) != 1 {
		t.Errorf("unparsed %d span %d ms stats %d shots %d, want 1, 400, 1, 1", b.unparsed, b.span_ms, len(b.stats), len(b.shots))
	}
	if sh := b.shots[0].rec; !sh.IsMake || sh.Zone != 3 || sh.HoopPlayerX_mm != -10 || sh.HoopPlayerY_mm != 20 || sh.OccurredAt_ms != 1400 {
		t.Errorf("shot %+v", sh)
	}
}

// A line that does not parse is replayed as it is, and nothing of it is
// read: not the PLAY_NEXT and live id of a marker cut short (no round), a
// time (no place on the replay clock), a stmotion_source (not taken for
// a line made of REST state). What a parse that failed half-way had
// filled in had been used (found by FuzzLoadMessages).
func TestLoadUnparsableLineReadNothing(t *testing.T) {
	dir, _ := tinyBundle(t)
	cut := `{"type":"marker","data":{"occurred_at":9000,"live_id":"7d3c1a52-5e0f-4c1a-9b7e-000000000009","type":"PLAY_NEXT"`
	feed := `{"type":"marker","data":{"occurred_at":1000,"type":"LIVE"}}` + "\n" +
		cut + "\n" +
		`{"stmotion_source":"stats.json","type":"stats","data":{"occurred_at":1100` + "\n" +
		`{"type":"location","data":{"occurred_at":1200,"type":"PLAYER","id":1,"x":1,"y":2,"z":3}}` + "\n"
	if err := os.WriteFile(filepath.Join(dir, "messages.jsonl"), []byte(feed), 0o644); err != nil {
		t.Fatal(err)
	}
	b, err := loadBundle(dir, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(b.lines) != 4 || !bytes.Equal(b.line(1), []byte(cut)) || b.unparsed != 2 || len(b.rounds) != 1 || b.span_ms != 200 ||
		b.lines[1].rel_ms != 0 || b.lines[1].marker {
		t.Errorf("%d lines (%q), %d unparsed, rounds %+v, span %d ms, the cut marker %+v; want 4 lines, 2 unparsed, 1 round, 200 ms, the cut line at 0 ms, no marker",
			len(b.lines), b.data, b.unparsed, b.rounds, b.span_ms, b.lines[1])
	}
}

// Lines drops the lines the mock does not replay as blank, and no other:
// a line of "\f" or U+00A0 is replayed (as a recording's reader reads
// it), and had been dropped by Lines (found by FuzzLoadMessages).
func TestLinesBlank(t *testing.T) {
	got := Lines([]byte("a\n \t\r\n\r\n\f\n\u00a0\nb"))
	want := []string{"a", "\f", "\u00a0", "b"}
	if len(got) != len(want) {
		t.Fatalf("Lines: %q, want %q", got, want)
	}
	for i := range want {
		if string(got[i]) != want[i] {
			t.Errorf("Lines: %q, want %q", got, want)
		}
	}
}

// A later pass rewrites the values of "occurred_at" and "version", not
// those of a key that merely ends with the name after an escaped quote
// (found by FuzzAppendEdits).
func TestAppendEditsEscapedKey(t *testing.T) {
	l := []byte(`{"data":{"occurred_at":1000,"stats":{"x\"occurred_at":5,"a\\\"version":2},"version":2}}`)
	var edits []edit
	edits = appendEdits(edits, l, `"occurred_at"`, editTime, -1)
	edits = appendEdits(edits, l, `"version"`, editVersion, 2)
	var got []string
	for _, e := range edits {
		got = append(got, string(l[e.off:e.end]))
	}
	if want := []string{"1000", "2"}; fmt.Sprint(got) != fmt.Sprint(want) || edits[1].off != int32(len(l)-3) {
		t.Errorf("edits of %s: %q at %+v, want %q (the last one at %d)", l, got, edits, want, len(l)-3)
	}
}

// /stats and /shots follow the replay position: the baseline first, then
// each stats and shot line once the clock has passed it.
func TestStateFollowsReplayPosition(t *testing.T) {
	_, b := tinyBundle(t)
	const statsAt_ms = tinyStatsStep * tinyStep_ms
	stat := func(n int, player int64, name string) (float64, bool) {
		for _, tm := range b.statsAt(0, n, 0, shift{}) {
			for _, p := range tm.PlayerStats {
				if p.ID == player {
					v, ok := p.Stats[name]
					return v, ok
				}
			}
		}
		return 0, false
	}
	shots := func(n int) int {
		c := 0
		for _, tm := range b.shotsAt(0, n, 0, shift{}) {
			for _, p := range tm.PlayerShots {
				c += len(p.Shots)
			}
		}
		return c
	}
	before, after := b.countAt(statsAt_ms-1), b.countAt(statsAt_ms)
	if v, ok := stat(before, 102, "REB"); !ok || v != 1 {
		t.Errorf("baseline REB of 102 before any stats line: %g %v, want 1", v, ok)
	}
	if _, ok := stat(before, 101, "PTS"); ok {
		t.Errorf("player 101 has PTS before its stats line at %d ms", statsAt_ms)
	}
	if v, ok := stat(after, 101, "PTS"); !ok || v != 2 {
		t.Errorf("player 101 PTS at %d ms: %g %v, want 2", statsAt_ms, v, ok)
	}
	if shots(before) != 0 || shots(after) != 1 || shots(len(b.lines)) != 2 {
		t.Errorf("shots before/after/end: %d %d %d, want 0 1 2", shots(before), shots(after), shots(len(b.lines)))
	}
	if n := b.countAt(b.span_ms); n != len(b.lines) {
		t.Errorf("countAt(span) = %d, want all %d lines", n, len(b.lines))
	}
	if b.firstAt(1) != b.countAt(0) {
		t.Errorf("firstAt(1) = %d, want the first line after time 0 (%d)", b.firstAt(1), b.countAt(0))
	}
}

func TestReplayClock(t *testing.T) {
	dir, b := tinyBundle(t)
	s, err := New(dir, Options{Speed: 1000, Loop: true})
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Unix(1700000000, 0)
	s.start = t0
	period := s.period_ms()
	if period != b.span_ms+1001 {
		t.Fatalf("period %d ms, want span %d + gap 1000 + 1", period, b.span_ms)
	}
	tests := []struct {
		wall      time.Duration
		loop, off int64
	}{
		{0, 0, 0},
		{time.Millisecond, 0, 1000},
		{2 * time.Millisecond, 0, 2000},
		{4 * time.Millisecond, 1, 4000 - period},
		{10 * time.Millisecond, 10000 / period, 10000 % period},
	}
	for _, tc := range tests {
		loop, off := s.position(t0.Add(tc.wall))
		if loop != tc.loop || off != tc.off {
			t.Errorf("position(+%s) = loop %d off %d ms, want %d, %d", tc.wall, loop, off, tc.loop, tc.off)
		}
		if d := s.due(loop, off); !d.Equal(t0.Add(tc.wall)) {
			t.Errorf("due(%d, %d) = +%s, want +%s", loop, off, d.Sub(t0), tc.wall)
		}
	}
	s0, _ := New(dir, Options{})
	if loop, off := s0.position(time.Now()); loop != 0 || off != b.span_ms {
		t.Errorf("speed 0: position %d, %d; want the end (0, %d)", loop, off, b.span_ms)
	}
}

// The base stats of a bundle stand from the session's start, the same
// start the range endpoints use: the first message when live.json's
// started_at is later than it (a recording begun before the event).
func TestDetailsAtBaseStatsStart(t *testing.T) {
	b := &bundle{
		meta:     decode.LiveMeta{StartedAt_ms: 2_000},
		first_ms: 1_000,
		last_ms:  9_000,
		baseStats: &decode.LiveStats{Teams: []decode.TeamPlayerStats{{
			ID:          10,
			PlayerStats: []decode.PlayerStats{{ID: 7, Stats: map[string]float64{"PTS": 4}}},
		}}},
		players:   map[int64]decode.Player{},
		teamNames: map[int64]string{},
	}
	start, _ := b.sessionSpan_ms()
	got := b.detailsAt(0, 0, shift{})
	if len(got) != 1 || len(got[0].PlayerStats) != 1 {
		t.Fatalf("detailsAt(0) = %+v, want team 10 with player 7", got)
	}
	ch := got[0].PlayerStats[0].Stats["PTS"]
	if len(ch) != 1 || ch[0].OccurredAt_ms != start || start != 1_000 {
		t.Errorf("base PTS changes %+v, want one at the session start %d (= first message 1000)", ch, start)
	}
}

// /stats/details has one entry per change whose value is the change, as
// the API's example (FGA [1, 1] beside a /stats FGA of 2): the entries of
// every stat add up to /stats' total, a correction is a negative change,
// and a stats message that repeats a value adds no entry.
func TestDetailsAtChangesSumToStats(t *testing.T) {
	b := &bundle{
		first_ms: 1_000,
		last_ms:  9_000,
		baseStats: &decode.LiveStats{Teams: []decode.TeamPlayerStats{{
			ID:          10,
			PlayerStats: []decode.PlayerStats{{ID: 7, Stats: map[string]float64{"PTS": 2, "FGA": 1}}},
		}}},
		stats: []statEvent{
			{idx: 1, occurredAt_ms: 2_000, team: 10, player: 7, stats: map[string]float64{"PTS": 4, "FGA": 2}},
			{idx: 2, occurredAt_ms: 3_000, team: 10, player: 7, stats: map[string]float64{"PTS": 4, "FGA": 3}},
			{idx: 3, occurredAt_ms: 4_000, team: 10, player: 7, stats: map[string]float64{"PTS": 2, "FGA": 3}}, // a make deleted
		},
		players:   map[int64]decode.Player{},
		teamNames: map[int64]string{},
	}
	details := b.detailsAt(0, 4, shift{})
	totals := b.statsAt(0, 4, 0, shift{})
	if len(details) != 1 || len(details[0].PlayerStats) != 1 || len(totals) != 1 || len(totals[0].PlayerStats) != 1 {
		t.Fatalf("details %+v, stats %+v: want team 10 with player 7", details, totals)
	}
	got := details[0].PlayerStats[0].Stats
	want := map[string][]float64{"PTS": {2, 2, -2}, "FGA": {1, 1, 1}}
	for stat, w := range want {
		var values []float64
		sum := 0.0
		for _, ch := range got[stat] {
			values = append(values, ch.Value)
			sum += ch.Value
		}
		if fmt.Sprint(values) != fmt.Sprint(w) {
			t.Errorf("%s changes %v, want %v", stat, values, w)
		}
		if total := totals[0].PlayerStats[0].Stats[stat]; sum != total {
			t.Errorf("%s changes add up to %g, /stats says %g", stat, sum, total)
		}
	}
}

// A later round's /stats/details counts its changes from the event's
// running totals at its start (its stats lines carry the event's totals,
// as statsAt gives them), so the changes of all the rounds add up to the
// event's totals once.
func TestDetailsAtLaterRound(t *testing.T) {
	b := &bundle{
		first_ms: 1_000,
		last_ms:  9_000,
		baseStats: &decode.LiveStats{Teams: []decode.TeamPlayerStats{{
			ID:          10,
			PlayerStats: []decode.PlayerStats{{ID: 7, Stats: map[string]float64{"FGA": 1}}},
		}}},
		stats: []statEvent{
			{idx: 1, occurredAt_ms: 2_000, team: 10, player: 7, stats: map[string]float64{"FGA": 3}}, // round 1
			{idx: 5, occurredAt_ms: 6_000, team: 10, player: 7, stats: map[string]float64{"FGA": 4}}, // round 2, from line 4
			{idx: 6, occurredAt_ms: 7_000, team: 10, player: 7, stats: map[string]float64{"FGA": 6}},
		},
		players:   map[int64]decode.Player{},
		teamNames: map[int64]string{},
	}
	sum := 0.0
	var round2 []float64
	for _, r := range [][2]int{{0, 4}, {4, 7}} {
		for _, tm := range b.detailsAt(r[0], r[1], shift{}) {
			for _, p := range tm.PlayerStats {
				for _, ch := range p.Stats["FGA"] {
					sum += ch.Value
					if r[0] == 4 {
						round2 = append(round2, ch.Value)
					}
				}
			}
		}
	}
	if fmt.Sprint(round2) != "[1 2]" {
		t.Errorf("round 2's FGA changes %v, want [1 2] (from the running total 3 at its start)", round2)
	}
	if sum != 6 {
		t.Errorf("the rounds' FGA changes add up to %g, want the event's total 6", sum)
	}
}

// Lines stmotion live made of REST state ("stmotion_source") are not
// replayed, and count in the REST state from the first line replayed
// after them (the last one's, at the feed's end), not before: a gap's
// shot once the feed has resumed. They do not move the replay clock.
func TestMadeLinesInState(t *testing.T) {
	dir, tiny := tinyBundle(t)
	lines := Lines(mustRead(t, filepath.Join(dir, "messages.jsonl")))
	gapShot := fmt.Sprintf(`{"type":"shot","stmotion_source":"rest_gap","data":{"occurred_at":%d,"team_id":%d,"player_id":202,"is_make":true,"is_3point":false,"zone":2,"hoop_player_x":-900,"hoop_player_y":300,"status":"RECORDED"}}`, TinyStart_ms+750, TinyAwayTeam)
	endShot := fmt.Sprintf(`{"type":"shot","stmotion_source":"rest_gap","data":{"occurred_at":%d,"team_id":%d,"player_id":202,"is_make":false,"is_3point":false,"zone":2,"hoop_player_x":-900,"hoop_player_y":300,"status":"RECORDED"}}`, TinyStart_ms-90_000, TinyAwayTeam)
	const at = 20 // the line the gap's shot goes before
	var feed []byte
	for i, l := range lines {
		if i == at {
			feed = append(feed, gapShot+"\n"...)
		}
		feed = append(append(feed, l...), '\n')
	}
	feed = append(feed, endShot+"\n"...)
	if err := os.WriteFile(filepath.Join(dir, "messages.jsonl"), feed, 0o644); err != nil {
		t.Fatal(err)
	}
	b, err := loadBundle(dir, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(b.lines) != len(tiny.lines) || b.first_ms != tiny.first_ms || b.span_ms != tiny.span_ms {
		t.Fatalf("%d lines from %d over %d ms, want the tiny feed's %d from %d over %d ms", len(b.lines), b.first_ms, b.span_ms, len(tiny.lines), tiny.first_ms, tiny.span_ms)
	}
	for i := range b.lines {
		if bytes.Contains(b.line(i), []byte("stmotion_source")) {
			t.Errorf("line %d replayed: %s", i, b.line(i))
		}
	}
	shots := func(n int) int {
		c := 0
		for _, tm := range b.shotsAt(0, n, 0, shift{}) {
			for _, p := range tm.PlayerShots {
				c += len(p.Shots)
			}
		}
		return c
	}
	if before, after, end := shots(at), shots(at+1), shots(len(b.lines)); before != 0 || after != 1 || end != 4 {
		t.Errorf("shots before the line after the gap's / with it / at the end: %d %d %d, want 0 1 4", before, after, end)
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
