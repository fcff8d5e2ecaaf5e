package pipeline

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"

	"github.com/stmotion/stmotion/court"
	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/export"
	"github.com/stmotion/stmotion/synth"
	"github.com/stmotion/stmotion/track"
	"github.com/stmotion/stmotion/track/heatmap"
)

// smallBundle writes a 12 s simulated game under dir and returns its path.
func smallBundle(t *testing.T, dir string) string {
	t.Helper()
	cfg := synth.DefaultConfig()
	cfg.Minutes = 0.2
	path := filepath.Join(dir, "game")
	if _, err := synth.Write(context.Background(), cfg, path, nil); err != nil {
		t.Fatal(err)
	}
	return path
}

func options(out string) Options {
	return Options{Out: out, BatchRows: export.DefaultBatchRows}
}

// tableFiles lists the files under dir, hidden ones included.
func tableFiles(t *testing.T, dir string) []string {
	t.Helper()
	var files []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, p)
		}
		return nil
	})
	return files
}

func TestSessionID(t *testing.T) {
	live := &decode.LiveInfo{Teams: []decode.LiveTeam{{ID: 1}, {ID: 2, Live: decode.LiveMeta{ID: "live-7"}}}}
	for _, c := range []struct {
		b    decode.Bundle
		want string
	}{
		{decode.Bundle{Path: "games/g1"}, "g1"},
		{decode.Bundle{Path: "games/g1/"}, "g1"},
		{decode.Bundle{Path: "rec/game.jsonl.zst"}, "game"},
		{decode.Bundle{Path: "rec/game.ndjson.gz"}, "game"},
		// Extensions in any case, as a Windows tool writes them: the
		// same game as its lower-case copy.
		{decode.Bundle{Path: "rec/GAME2.JSONL.GZ"}, "GAME2"},
		{decode.Bundle{Path: "rec/x.Jsonl.Zst"}, "x"},
		{decode.Bundle{Path: "rec/D.jsonl.gz.zst"}, "D"},
		{decode.Bundle{Path: "."}, "session"},
		{decode.Bundle{Path: "games/g1", Live: live}, "live-7"},
		{decode.Bundle{Path: "games/g1", Live: &decode.LiveInfo{}}, "g1"},
		// A name as macOS writes it (NFD: c and a combining acute) is
		// the one Windows writes (NFC: ć).
		{decode.Bundle{Path: "rec/Jokic\u0301-final.jsonl.gz"}, "Joki\u0107-final"},
		{decode.Bundle{Path: "rec/Joki\u0107-final.jsonl.gz"}, "Joki\u0107-final"},
	} {
		if got := SessionID(&c.b); got != c.want {
			t.Errorf("SessionID(Path %q, Live %v) = %q, want %q", c.b.Path, c.b.Live, got, c.want)
		}
	}
}

func TestUniqueSessionIDs(t *testing.T) {
	f := func(ids, want []string) {
		t.Helper()
		in := slices.Clone(ids)
		got := UniqueSessionIDs(ids)
		if !slices.Equal(got, want) {
			t.Errorf("UniqueSessionIDs(%q) = %q, want %q", ids, got, want)
		}
		if !slices.Equal(ids, in) {
			t.Errorf("UniqueSessionIDs(%q) changed its argument to %q", in, ids)
		}
	}
	f(nil, nil)
	f([]string{"g1", "g2"}, []string{"g1", "g2"})
	f([]string{"g", "g", "g"}, []string{"g", "g-2", "g-3"})
	// An input's own id is never given to another.
	f([]string{"g", "g", "g-2"}, []string{"g", "g-3", "g-2"})
	f([]string{"g-2", "g", "g"}, []string{"g-2", "g", "g-3"})
	f([]string{"g", "g-3", "g", "g", "g"}, []string{"g", "g-3", "g-2", "g-4", "g-5"})
	// Nor one given before.
	f([]string{"g", "g", "g-2", "g-2"}, []string{"g", "g-3", "g-2", "g-2-2"})
	f([]string{"g", "g-2", "g", "g-3", "g"}, []string{"g", "g-2", "g-4", "g-3", "g-5"})
	f([]string{"", ""}, []string{"", "-2"})
	// Case apart, the same id: one directory on macOS and Windows.
	f([]string{"Game", "game", "GAME-2"}, []string{"Game", "game-3", "GAME-2"})
	// Accents encoded precomposed (NFC) or decomposed (NFD): the same
	// id, printed alike (a live id: SessionID normalises a name).
	f([]string{"Joki\u0107", "Jokic\u0301", "JOKIC\u0301"}, []string{"Joki\u0107", "Jokic\u0301-2", "JOKIC\u0301-3"})
}

func TestSessionIDKey(t *testing.T) {
	f := func(a, b string, same bool) {
		t.Helper()
		if got := SessionIDKey(a) == SessionIDKey(b); got != same {
			t.Errorf("SessionIDKey(%+q) == SessionIDKey(%+q): %v, want %v (keys %+q, %+q)", a, b, got, same, SessionIDKey(a), SessionIDKey(b))
		}
	}
	f("game", "game", true)
	f("Game", "gAME", true)
	f("Joki\u0107-final", "Jokic\u0301-final", true)
	f("JOKI\u0106", "jokic\u0301", true)
	f("\u00c9quipe", "e\u0301quipe", true)
	f("game", "game-2", false)
	f("jokic", "joki\u0107", false)
	f("8f14e45f-ceea-467f-a0e6-e5a7b6c8d9e0", "8F14E45F-CEEA-467F-A0E6-E5A7B6C8D9E0", true)
}

// A failed input names its file and leaves no table on disk.
func TestFailedInputLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	good := smallBundle(t, dir)
	msgs, err := os.ReadFile(filepath.Join(good, decode.BundleMessages))
	if err != nil {
		t.Fatal(err)
	}
	// A court given for the input (analyze --court) that is not valid
	// fails it (a bundle's own court.json does not: TestOwnCourtNotValid).
	badCourt := filepath.Join(dir, "badcourt.json")
	os.WriteFile(badCourt, []byte(`{"x":1}`), 0o644)
	empty := filepath.Join(dir, "empty.jsonl")
	os.WriteFile(empty, nil, 0o644)
	badLines := filepath.Join(dir, "bad.jsonl")
	os.WriteFile(badLines, append([]byte("{bad\n"), msgs...), 0o644)
	// A .zst cut inside its one block gives no line at all: the error
	// says it was cut, not only that nothing decoded.
	enc, err := zstd.NewWriter(nil)
	if err != nil {
		t.Fatal(err)
	}
	z := enc.EncodeAll(msgs[:bytes.IndexByte(msgs[4000:], '\n')+4001], nil)
	cutZst := filepath.Join(dir, "cut.jsonl.zst")
	os.WriteFile(cutZst, z[:len(z)-20], 0o644)

	for _, c := range []struct {
		path   string
		court  string // a court given for it
		strict bool
		want   string // the error's start
	}{
		{good, badCourt, false, badCourt + ": court: "},
		{empty, "", false, empty + ": no message decoded (0 lines, 0 bad)"},
		{cutZst, "", false, cutZst + ": no message decoded (0 lines, 0 bad): decode: read " + cutZst + " after line 0 (the file is truncated"},
		{badLines, "", true, badLines + ": 1 line does not decode (--strict); first: " + badLines + ":1: "},
	} {
		out := filepath.Join(t.TempDir(), "out")
		b, err := decode.OpenBundle(c.path)
		if err != nil {
			t.Fatal(err)
		}
		if c.court != "" {
			body, err := os.ReadFile(c.court)
			if err != nil {
				t.Fatal(err)
			}
			b.ReplaceCourt(c.court, body)
		}
		opt := options(out)
		opt.Strict = c.strict
		r, err := Open(b, "s", opt)
		if err == nil {
			_, err = r.Do(context.Background())
		}
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%s (strict %v): error %v, want it to start with %q", c.path, c.strict, err, c.want)
		}
		if files := tableFiles(t, out); len(files) > 0 {
			t.Errorf("%s: files left after the error: %q", c.path, files)
		}
	}
}

// A bare recording with bad lines: what it lacks and its first bad lines
// are reported, the rest summed up, and the good lines analysed.
func TestWarnings(t *testing.T) {
	dir := t.TempDir()
	msgs, err := os.ReadFile(filepath.Join(smallBundle(t, dir), decode.BundleMessages))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "rec.jsonl")
	os.WriteFile(path, append([]byte(strings.Repeat("{bad\n", MaxReported+2)), msgs...), 0o644)
	b, err := decode.OpenBundle(path)
	if err != nil {
		t.Fatal(err)
	}
	r, err := Open(b, "rec", options(filepath.Join(dir, "out")))
	if err != nil {
		t.Fatal(err)
	}
	sum, err := r.Do(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ws := r.Warnings()
	want := []string{
		path + ": no subscribe.json: players have no names or teams",
		path + ": no court.json: positions stay in the sensor frame",
	}
	for i := 1; i <= MaxReported; i++ {
		want = append(want, path+":"+string(rune('0'+i))+": decode: offset") // the line once, as FILE:LINE
	}
	want = append(want, path+": 2 more lines do not decode (skipped and counted in quality.bad_lines)")
	if len(ws) != len(want) {
		t.Fatalf("warnings:\n%s\nwant %d like:\n%s", strings.Join(ws, "\n"), len(want), strings.Join(want, "\n"))
	}
	for i := range ws {
		if !strings.HasPrefix(ws[i], want[i]) {
			t.Errorf("warning %d = %q, want it to start with %q", i, ws[i], want[i])
		}
	}
	if sum.Quality.BadLines != MaxReported+2 || !sum.Quality.NoCourt || len(sum.Players) == 0 {
		t.Errorf("quality: %d bad lines (want %d), no court %v, %d players", sum.Quality.BadLines, MaxReported+2, sum.Quality.NoCourt, len(sum.Players))
	}
}

// A bare recording beside a court.json and a subscribe.json (a bundle
// whose recording is not named messages.jsonl) is analysed without them,
// and the warnings say why; a bare recording alone gets no such hint.
func TestWarningsBesideBundleFiles(t *testing.T) {
	dir := t.TempDir()
	game := smallBundle(t, dir)
	path := filepath.Join(game, "stream.jsonl")
	if err := os.Rename(filepath.Join(game, decode.BundleMessages), path); err != nil {
		t.Fatal(err)
	}
	lone := filepath.Join(dir, "lone.jsonl")
	if err := os.Link(path, lone); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		path string
		hint bool
	}{{path, true}, {lone, false}} {
		b, err := decode.OpenBundle(c.path)
		if err != nil {
			t.Fatal(err)
		}
		r, err := OpenEngine(b, "rec", Options{})
		if err != nil {
			t.Fatal(err)
		}
		ws := r.Warnings()
		if len(ws) != 2 {
			t.Fatalf("%s: warnings %q, want 2", c.path, ws)
		}
		for i, name := range []string{decode.BundleSubscribe, decode.BundleCourt} {
			hint := "(the " + name + " beside it is read only from a session bundle, a directory whose recording is named messages.jsonl"
			if got := strings.Contains(ws[i], hint); got != c.hint {
				t.Errorf("%s: warning %q: hint %v, want %v", c.path, ws[i], got, c.hint)
			}
			if flag := []string{"--roster", "--court"}[i]; c.hint && !strings.Contains(ws[i], "give it with analyze "+flag+" "+filepath.Join(filepath.Dir(c.path), name)+")") {
				t.Errorf("%s: warning %q does not name %s", c.path, ws[i], flag)
			}
		}
	}
}

// The heatmaps survive the round trip through the long form: same grids,
// same seconds per cell, in the order team, player, ball.
func TestHeatGrids(t *testing.T) {
	for _, cell_m := range []float64{0.5, 1, 2} {
		acc := heatmap.New(heatmap.Options{Cell_m: cell_m, Court: court.NBA})
		for i := range 100 {
			x, y := -10+0.2*float64(i), -5+0.1*float64(i)
			acc.AddPlayer(int64(1+i%3), int64(10+i%2), 1, x, y, 0.04, true)
			acc.AddBall(99, 0, 1, y, x/2, 0.04, true)
		}
		var cells []track.HeatCell
		want := map[string]float64{}
		for _, c := range acc.Cells(nil) {
			cells = append(cells, track.HeatCell{Scope: c.Scope.String(), ID: c.ID, IX: c.IX, IY: c.IY, X_m: c.X_m, Y_m: c.Y_m, Seconds: c.Seconds})
			want[c.Scope.String()+string(rune('0'+c.ID%10))] += c.Seconds
		}
		grids := heatGrids(cells, court.NBA, 0.5) // cell_m is found from the cells
		var order []string
		for _, g := range grids {
			k := g.Scope.String() + string(rune('0'+g.ID%10))
			order = append(order, g.Scope.String())
			if math.Abs(g.Total_s-want[k]) > 1e-9 || g.Geom.Cell_m != cell_m {
				t.Errorf("cell %g m: grid %s %d: %g s in cells of %g m, want %g s in cells of %g m", cell_m, g.Scope, g.ID, g.Total_s, g.Geom.Cell_m, want[k], cell_m)
			}
		}
		if want := []string{"team", "team", "player", "player", "player", "ball"}; !slices.Equal(order, want) {
			t.Errorf("cell %g m: grids in order %v, want %v", cell_m, order, want)
		}
	}
	if g := heatGrids(nil, court.NBA, 0.5); g != nil {
		t.Errorf("heatGrids(no cells) = %v, want nil", g)
	}
}

// Titles keep names as they are (the PNG transliterates them, package
// chart), controls escaped as the report escapes them.
func TestChartTitle(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"team 1 Lakers", "team 1 Lakers"},
		{"  player 7 Jokić ", "player 7 Jokić"},
		{"player 8 李小龍", "player 8 李小龍"},
		{"a\tb", `a\tb`},
	} {
		if got := chartTitle(c.in); got != c.want {
			t.Errorf("chartTitle(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// A recording whose clock jumps back loses everything after the jump as
// late samples: counted in the quality table, and said in a warning. A
// clean recording gets none.
func TestWarningDroppedForTimestamps(t *testing.T) {
	dir := t.TempDir()
	data, err := os.ReadFile(filepath.Join(smallBundle(t, dir), decode.BundleMessages))
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.SplitAfter(data, []byte("\n"))
	// The last third an hour earlier.
	re := regexp.MustCompile(`"occurred_at":(\d+)`)
	for i := 2 * len(lines) / 3; i < len(lines); i++ {
		lines[i] = re.ReplaceAllFunc(lines[i], func(m []byte) []byte {
			v, _ := strconv.ParseInt(string(m[len(`"occurred_at":`):]), 10, 64)
			return fmt.Appendf(nil, `"occurred_at":%d`, v-3_600_000)
		})
	}
	jumped := filepath.Join(dir, "jumped.jsonl")
	if err := os.WriteFile(jumped, bytes.Join(lines, nil), 0o644); err != nil {
		t.Fatal(err)
	}
	clean := filepath.Join(dir, "clean.jsonl")
	if err := os.WriteFile(clean, data, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		path string
		want bool
	}{{jumped, true}, {clean, false}} {
		r, sum := runPath(t, c.path)
		var got string
		for _, w := range r.Warnings() {
			if strings.Contains(w, "dropped for their timestamps") {
				got = w
			}
		}
		if (got != "") != c.want || c.want && (!strings.HasPrefix(got, c.path+": ") || sum.Quality.Late*4 < sum.Quality.Locations) {
			t.Errorf("%s: warning %q, late %d of %d; want a warning %v", c.path, got, sum.Quality.Late, sum.Quality.Locations, c.want)
		}
	}
}

// runEdited analyses the small bundle's recording with every line passed
// through edit (nil drops it), as the bare recording name, and returns the
// run, its summary and the recording's path.
func runEdited(t *testing.T, name string, edit func(line []byte) []byte) (*Run, *track.Summary, string) {
	t.Helper()
	dir := t.TempDir()
	data, err := os.ReadFile(filepath.Join(smallBundle(t, dir), decode.BundleMessages))
	if err != nil {
		t.Fatal(err)
	}
	var kept []byte
	for _, l := range bytes.SplitAfter(data, []byte("\n")) {
		kept = append(kept, edit(l)...)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, kept, 0o644); err != nil {
		t.Fatal(err)
	}
	r, sum := runPath(t, path)
	return r, sum, path
}

// without is a runEdited edit that drops the lines containing s.
func without(s string) func([]byte) []byte {
	return func(l []byte) []byte {
		if bytes.Contains(l, []byte(s)) {
			return nil
		}
		return l
	}
}

// runPath analyses the input at path into a temporary directory.
func runPath(t *testing.T, path string) (*Run, *track.Summary) {
	t.Helper()
	b, err := decode.OpenBundle(path)
	if err != nil {
		t.Fatal(err)
	}
	r, sum, err := runBundle(t, b)
	if err != nil {
		t.Fatal(err)
	}
	return r, sum
}

// runBundle opens b into a temporary directory and runs it, returning
// Do's error.
func runBundle(t *testing.T, b *decode.Bundle) (*Run, *track.Summary, error) {
	t.Helper()
	r, err := Open(b, "g", options(filepath.Join(t.TempDir(), "out")))
	if err != nil {
		t.Fatal(err)
	}
	sum, err := r.Do(context.Background())
	return r, sum, err
}

// checkWarned fails t unless one of r's warnings starts with prefix and
// contains each of parts.
func checkWarned(t *testing.T, r *Run, prefix string, parts ...string) {
	t.Helper()
next:
	for _, w := range r.Warnings() {
		if !strings.HasPrefix(w, prefix) {
			continue
		}
		for _, p := range parts {
			if !strings.Contains(w, p) {
				continue next
			}
		}
		return
	}
	t.Errorf("warnings %q; want one starting %q and containing %q", r.Warnings(), prefix, parts)
}

// A recording without a location message (a subscription to stats and
// shots only) is analysed, with a warning that the tables built from
// positions are empty.
func TestWarningNoLocations(t *testing.T) {
	r, sum, path := runEdited(t, "stats-only.jsonl", without(`"type":"location"`))
	if sum.Quality.Locations != 0 || sum.Quality.Messages == 0 || len(sum.BoxScore) == 0 {
		t.Fatalf("%d locations, %d messages, %d box score rows: want the stats without locations", sum.Quality.Locations, sum.Quality.Messages, len(sum.BoxScore))
	}
	checkWarned(t, r, path+": no location messages: the samples, possessions and heatmaps tables are empty and events holds only the markers")
}

// A recording without a ball sensor gets a warning that nothing of
// possession is found, and quality.ball_sensors says so.
func TestWarningNoBall(t *testing.T) {
	r, sum, path := runEdited(t, "no-ball.jsonl", without(`"type":"BALL"`))
	if q := sum.Quality; q.BallSensors != 0 || q.PlayerSensors < 10 {
		t.Errorf("%d ball sensors, %d player sensors; want 0 and the players", q.BallSensors, q.PlayerSensors)
	}
	checkWarned(t, r, path+": no ball sensor sent a location")
}

// A roster whose ids match none of the player sensors gets a warning.
func TestWarningRosterMismatch(t *testing.T) {
	dir := t.TempDir()
	b, err := decode.OpenBundle(smallBundle(t, dir))
	if err != nil {
		t.Fatal(err)
	}
	for i := range b.Subscribe.Teams {
		for j := range b.Subscribe.Teams[i].Players {
			b.Subscribe.Teams[i].Players[j].ID += 1_000_000
		}
	}
	r, sum, err := runBundle(t, b)
	if err != nil {
		t.Fatal(err)
	}
	q := sum.Quality
	checkWarned(t, r, b.MessagesPath+": ", fmt.Sprintf("%d of %d player sensors are not on the roster", q.UnknownIDs, q.PlayerSensors))
	if q.UnknownIDs != q.PlayerSensors {
		t.Errorf("%d unknown ids of %d player sensors", q.UnknownIDs, q.PlayerSensors)
	}
}

// A recording without clock markers is never live: its live-only figures
// are 0, which a warning says (a complete bundle gets none:
// cmd/stmotion's TestAnalyzeOneBundle).
func TestWarningNeverLive(t *testing.T) {
	r, _, path := runEdited(t, "no-markers.jsonl", without(`"type":"marker"`))
	checkWarned(t, r, path+": no player moved while the clock was live (no LIVE marker, or no location while the clock was live")
}

// A recording whose occurred_at is in seconds reads as a feed of January
// 1970 at 1000 Hz whose samples nearly all repeat: two warnings say so.
func TestWarningTimestampsInSeconds(t *testing.T) {
	re := regexp.MustCompile(`"occurred_at":(\d+)`)
	r, sum, path := runEdited(t, "seconds.jsonl", func(l []byte) []byte {
		return re.ReplaceAllFunc(l, func(m []byte) []byte {
			v, _ := strconv.ParseInt(string(m[len(`"occurred_at":`):]), 10, 64)
			return fmt.Appendf(nil, `"occurred_at":%d`, v/1000)
		})
	})
	if q := sum.Quality; q.Duplicates*2 < q.Locations {
		t.Fatalf("%d duplicates of %d locations: the edit did not take", q.Duplicates, q.Locations)
	}
	checkWarned(t, r, path+": the timestamps start at 1970-01-")
	checkWarned(t, r, path+": ", "repeat their sensor's timestamp and were dropped as duplicates")
}

// Timestamps in microseconds lie beyond year 5138: every location is
// dropped as a bad time, and the warning names the unit.
func TestWarningTimestampsInMicroseconds(t *testing.T) {
	re := regexp.MustCompile(`"occurred_at":(\d+)`)
	r, sum, path := runEdited(t, "micros.jsonl", func(l []byte) []byte {
		return re.ReplaceAll(l, []byte(`"occurred_at":${1}000`))
	})
	if q := sum.Quality; q.BadTimes-q.BadTimeMessages != q.Locations || q.Locations == 0 || q.BadTimeMessages == 0 {
		t.Fatalf("%d bad times (%d of them messages) of %d locations: want every location and message", q.BadTimes, q.BadTimeMessages, q.Locations)
	}
	// The stats, marker and shot messages count as bad times too, not
	// as location samples.
	q := sum.Quality
	checkWarned(t, r, path+": ", fmt.Sprintf("%d of %d location samples (100 %%) were dropped for their timestamps", q.Locations, q.Locations),
		"stats, marker or shot messages among them", "microseconds would give this")
}

// A compressed recording cut short (an interrupted copy) is analysed up to
// the break, with a warning and quality.truncated; --strict fails it, and
// a corrupt stream still fails the input.
func TestTruncatedRecording(t *testing.T) {
	dir := t.TempDir()
	msgs, err := os.ReadFile(filepath.Join(smallBundle(t, dir), decode.BundleMessages))
	if err != nil {
		t.Fatal(err)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(msgs)
	zw.Close()
	zst, err := zstd.NewWriter(nil)
	if err != nil {
		t.Fatal(err)
	}
	compressed := map[string][]byte{".jsonl.gz": gz.Bytes(), ".jsonl.zst": zst.EncodeAll(msgs, nil)}
	for ext, data := range compressed {
		path := filepath.Join(dir, "cut"+ext)
		os.WriteFile(path, data[:len(data)/2], 0o644)
		for _, strict := range []bool{false, true} {
			out := filepath.Join(t.TempDir(), "out")
			b, err := decode.OpenBundle(path)
			if err != nil {
				t.Fatal(err)
			}
			opt := options(out)
			opt.Strict = strict
			r, err := Open(b, "cut", opt)
			if err != nil {
				t.Fatal(err)
			}
			sum, err := r.Do(context.Background())
			if strict {
				if err == nil || !strings.Contains(err.Error(), "the file is truncated") || !errors.Is(err, io.ErrUnexpectedEOF) {
					t.Errorf("%s --strict: error %v, want the truncation", ext, err)
				}
				if files := tableFiles(t, out); len(files) > 0 {
					t.Errorf("%s --strict: files left after the error: %q", ext, files)
				}
				continue
			}
			if err != nil {
				t.Fatalf("%s: %v", ext, err)
			}
			q := sum.Quality
			if !q.Truncated || q.Locations == 0 || q.Messages >= int64(bytes.Count(msgs, []byte("\n"))) {
				t.Errorf("%s: quality %+v: want truncated, some of the messages", ext, q)
			}
			ws := r.Warnings()
			if last := ws[len(ws)-1]; !strings.HasPrefix(last, path+": decode: read "+path+" after line ") || !strings.Contains(last, "quality.truncated") {
				t.Errorf("%s: warnings %q: want the truncation last", ext, ws)
			}
			if files := tableFiles(t, out); len(files) != export.NumTables {
				t.Errorf("%s: %d files written, want the %d tables: %q", ext, len(files), export.NumTables, files)
			}
		}
	}
	// A corrupt stream is not a truncation: the input fails.
	bad := bytes.Clone(gz.Bytes())
	for i := len(bad) / 3; i < len(bad)/3+64; i++ {
		bad[i] ^= 0x5a
	}
	path := filepath.Join(dir, "corrupt.jsonl.gz")
	os.WriteFile(path, bad, 0o644)
	b, err := decode.OpenBundle(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := runBundle(t, b); err == nil {
		t.Error("a corrupt gzip stream was analysed")
	}
}

// A compressed recording whose file ends in zero bytes (a write cut off:
// the file's size extended, its last blocks never written) is read as
// the data says: zeros after a complete stream, or between its members or
// frames, are ignored, with a warning, and the recording is whole; a stream that breaks where the
// zeros begin is cut short there, analysed up to the break as without
// the zeros, and --strict fails it.
func TestZeroTailRecording(t *testing.T) {
	dir := t.TempDir()
	msgs, err := os.ReadFile(filepath.Join(smallBundle(t, dir), decode.BundleMessages))
	if err != nil {
		t.Fatal(err)
	}
	lines := int64(bytes.Count(msgs, []byte("\n")))
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(msgs)
	zw.Close()
	zst, err := zstd.NewWriter(nil)
	if err != nil {
		t.Fatal(err)
	}
	zeros := make([]byte, 8192)
	// Two members or frames, zeros between them (padding) and after.
	half := len(msgs) / 2
	var gz2 bytes.Buffer
	for _, part := range [][]byte{msgs[:half], msgs[half:]} {
		zw := gzip.NewWriter(&gz2)
		zw.Write(part)
		zw.Close()
		gz2.Write(zeros[:100])
	}
	padded := map[string][]byte{
		".jsonl.gz":  gz2.Bytes(),
		".jsonl.zst": bytes.Join([][]byte{zst.EncodeAll(msgs[:half], nil), zeros[:100], zst.EncodeAll(msgs[half:], nil), zeros[:100]}, nil),
	}
	run := func(name string, data []byte, strict bool) (*track.Summary, *Run, error) {
		path := filepath.Join(dir, name)
		os.WriteFile(path, data, 0o644)
		b, err := decode.OpenBundle(path)
		if err != nil {
			t.Fatal(err)
		}
		opt := options(filepath.Join(t.TempDir(), "out"))
		opt.Strict = strict
		r, err := Open(b, "z", opt)
		if err != nil {
			t.Fatal(err)
		}
		sum, err := r.Do(context.Background())
		return sum, r, err
	}
	for ext, data := range map[string][]byte{".jsonl.gz": gz.Bytes(), ".jsonl.zst": zst.EncodeAll(msgs, nil)} {
		comp := "gzip"
		if ext == ".jsonl.zst" {
			comp = "zstd"
		}
		// Complete, then zeros: the whole recording, also with --strict.
		for _, strict := range []bool{false, true} {
			sum, ws, err := run("whole"+ext, append(bytes.Clone(data), zeros...), strict)
			if err != nil {
				t.Errorf("%s complete + zeros (strict %v): %v", ext, strict, err)
				continue
			}
			if q := sum.Quality; q.Truncated || q.Messages != lines {
				t.Errorf("%s complete + zeros: quality %+v: want all %d messages, not truncated", ext, q, lines)
			}
			checkWarned(t, ws, filepath.Join(dir, "whole"+ext)+": ", "the file ends in 8192 zero bytes after its complete "+comp+" stream")
		}
		// Zeros between members or frames, and after: the whole
		// recording, with a warning.
		sum, ws, err := run("padded"+ext, padded[ext], true)
		if err != nil {
			t.Errorf("%s zeros between parts: %v", ext, err)
		} else if q := sum.Quality; q.Truncated || q.Messages != lines {
			t.Errorf("%s zeros between parts: quality %+v: want all %d messages, not truncated", ext, q, lines)
		} else {
			unit := map[string]string{"gzip": "members", "zstd": "frames"}[comp]
			checkWarned(t, ws, filepath.Join(dir, "padded"+ext)+": ", "the file has 100 zero bytes between its "+comp+" "+unit+" (padding) and ends in 100 zero bytes after them")
		}
		// Cut short, then zeros: as cut short without them.
		cut := data[:len(data)/2]
		plain, _, err := run("cut"+ext, cut, false)
		if err != nil {
			t.Fatalf("%s cut: %v", ext, err)
		}
		sum, ws, err = run("cutzeros"+ext, append(bytes.Clone(cut), zeros...), false)
		if err != nil {
			t.Errorf("%s cut + zeros: %v", ext, err)
			continue
		}
		if q := sum.Quality; !q.Truncated || q.Messages != plain.Quality.Messages || q.BadLines != plain.Quality.BadLines {
			t.Errorf("%s cut + zeros: quality %+v: want truncated, the %d messages and %d bad lines of the cut file", ext, q, plain.Quality.Messages, plain.Quality.BadLines)
		}
		checkWarned(t, ws, filepath.Join(dir, "cutzeros"+ext)+": ", "(the file is truncated: its "+comp+" stream breaks where the file ends in 8192 zero bytes)", "what came before was analysed (quality.truncated)")
		if _, _, err := run("cutzeros"+ext, append(bytes.Clone(cut), zeros...), true); err == nil || !errors.Is(err, decode.ErrTruncated) {
			t.Errorf("%s cut + zeros --strict: error %v, want the truncation", ext, err)
		}
	}
}

// Check fails an input exactly when Do would for what it reads, with
// Do's error: a corrupt stream, nothing decoded, and with Strict a file
// cut short or a bad line; a recording cut short is fine without Strict,
// and said to be truncated.
func TestCheck(t *testing.T) {
	dir := t.TempDir()
	msgs, err := os.ReadFile(filepath.Join(smallBundle(t, dir), decode.BundleMessages))
	if err != nil {
		t.Fatal(err)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(msgs)
	zw.Close()
	corrupt := bytes.Clone(gz.Bytes())
	for i := len(corrupt) / 3; i < len(corrupt)/3+64; i++ {
		corrupt[i] ^= 0x5a
	}
	for _, c := range []struct {
		name string
		data []byte
	}{
		{"good.jsonl", msgs},
		{"good.jsonl.gz", gz.Bytes()},
		{"cut.jsonl.gz", gz.Bytes()[:gz.Len()/2]},
		{"corrupt.jsonl.gz", corrupt},
		{"empty.jsonl", nil},
		{"badline.jsonl", append([]byte("{\"type\":\n"), msgs...)},
		{"notgzip.jsonl.gz", msgs},
		{"gone.jsonl", msgs}, // removed once found: it cannot be opened
	} {
		path := filepath.Join(dir, c.name)
		for _, strict := range []bool{false, true} {
			os.WriteFile(path, c.data, 0o644)
			b, err := decode.OpenBundle(path)
			if err != nil {
				t.Fatal(err)
			}
			if strings.HasPrefix(c.name, "gone") {
				os.Remove(path)
			}
			opt := options(filepath.Join(t.TempDir(), "out"))
			opt.Strict = strict
			cut, checked := Check(context.Background(), b, opt)
			var done error
			if r, err := Open(b, "c", opt); err != nil {
				done = err
			} else {
				_, done = r.Do(context.Background())
			}
			fails := strings.HasPrefix(c.name, "corrupt") || strings.HasPrefix(c.name, "empty") || strings.HasPrefix(c.name, "notgzip") ||
				strings.HasPrefix(c.name, "gone") || strict && (strings.HasPrefix(c.name, "cut") || strings.HasPrefix(c.name, "badline"))
			if fmt.Sprint(checked) != fmt.Sprint(done) || (checked != nil) != fails {
				t.Errorf("%s (strict %v): Check %v, Do %v; want them alike, failing: %v", c.name, strict, checked, done, fails)
			}
			// The error starts with the file, as every input's does.
			if checked != nil && !strings.HasPrefix(checked.Error(), path+": ") {
				t.Errorf("%s (strict %v): %v; want it to start with the file", c.name, strict, checked)
			}
			if strings.HasPrefix(c.name, "gone") && !errors.Is(checked, fs.ErrNotExist) {
				t.Errorf("%s: %v; want it to wrap fs.ErrNotExist", c.name, checked)
			}
			if want := !fails && strings.HasPrefix(c.name, "cut"); cut != want {
				t.Errorf("%s (strict %v): Check says truncated %v, want %v", c.name, strict, cut, want)
			}
		}
	}
	// A stream is read once: Check leaves it alone.
	b := &decode.Bundle{Path: "-", MessagesPath: "-", Stream: strings.NewReader("")}
	if _, err := Check(context.Background(), b, Options{}); err != nil {
		t.Errorf("a stream: %v", err)
	}
}

// TestPossessionWithoutCourt: without court.json the positions stay in the
// sensor frame, where the court's bounds mean nothing. The possession
// detector once kept only players within an NBA court (+1 m) around the
// sensor origin, and lost every possession beyond it (on the SportVU
// fragment 25.8 s of 36.4 s); nor can it tell where the hoops are, so it
// detects no shots there.
func TestPossessionWithoutCourt(t *testing.T) {
	dir := t.TempDir()
	cfg := synth.DefaultConfig()
	cfg.Minutes = 2
	game := filepath.Join(dir, "game")
	if _, err := synth.Write(context.Background(), cfg, game, nil); err != nil {
		t.Fatal(err)
	}
	held := func(sum *track.Summary) (s float64) {
		for _, p := range sum.Players {
			s += p.Possession_s
		}
		return s
	}
	_, withCourt := runPath(t, game)
	if err := os.Remove(filepath.Join(game, decode.BundleCourt)); err != nil {
		t.Fatal(err)
	}
	r, noCourt := runPath(t, game)
	checkWarned(t, r, filepath.Join(dir, "game")+": no court.json: positions stay in the sensor frame", "no shots detected")
	if w, n := held(withCourt), held(noCourt); w == 0 || math.Abs(n-w) > 0.05*w {
		t.Errorf("players held the ball %.1f s in the sensor frame, %.1f s on the court", n, w)
	}
	if noCourt.Quality.NoCourt != true {
		t.Errorf("quality.no_court not set")
	}
}

// TestSensorFrameGiven: a Meta whose court is court.SensorFrame(), given
// explicitly by a library user, is a session without a court as a nil
// one is: possession in the sensor frame (it had kept every player off a
// zero-size court and found no possession at all), NBA markings for the
// images.
func TestSensorFrameGiven(t *testing.T) {
	for _, meta := range []track.Meta{{}, {Court: court.SensorFrame()}} {
		if cfg := possessionConfig(meta); !cfg.SensorFrame || cfg.Court.Name != court.NBA.Name {
			t.Errorf("court %v: possession SensorFrame %v on %q, want true on the NBA template", meta.Court, cfg.SensorFrame, cfg.Court.Name)
		}
	}
}

// TestNextLiveID: a recording that ends with a PLAY_NEXT (a first half
// as `stmotion live` records it) gives a marker segment naming the next
// live id (the events table's next_live_id): analyze reads it from the
// line.
func TestNextLiveID(t *testing.T) {
	path := smallBundle(t, t.TempDir())
	f, err := os.OpenFile(filepath.Join(path, decode.BundleMessages), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	const next = "7d3c1a52-5e0f-4c1a-9b7e-0000000000b2"
	fmt.Fprintf(f, `{"type":"marker","data":{"occurred_at":%d,"live_id":"%s","type":"PLAY_NEXT"}}`+"\n", int64(1)<<41, next)
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := decode.OpenBundle(path)
	if err != nil {
		t.Fatal(err)
	}
	sink := &segmentSink{}
	r, err := OpenEngine(b, "halves", Options{}, sink)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Do(context.Background()); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, g := range sink.segs {
		if g.Type == track.SegMarker && g.Label == "PLAY_NEXT" {
			got = append(got, g.NextLiveID)
		}
	}
	if len(got) != 1 || got[0] != next {
		t.Errorf("PLAY_NEXT marker segments name %q, want [%s]", got, next)
	}
}

// An input that fails to decode at all says nothing of the court and
// roster it lacks: those warnings would only mislead about a file that is
// not a recording. Its bad lines are still reported.
func TestWarningsAfterFailure(t *testing.T) {
	b := &decode.Bundle{Path: "notes.jsonl", MessagesPath: "notes.jsonl", Stream: strings.NewReader("not a message\n")}
	r, err := OpenEngine(b, "notes", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Do(context.Background()); err == nil || !strings.Contains(err.Error(), "no message decoded (1 lines, 1 bad)") {
		t.Fatalf("Do: %v, want no message decoded", err)
	}
	ws := r.Warnings()
	if len(ws) != 1 || !strings.HasPrefix(ws[0], "notes.jsonl:1: ") {
		t.Errorf("warnings %q, want only the bad line", ws)
	}
}

// A recording that ends once the context has (a pipe cut by Ctrl-C) is
// canceled, not a recording without messages.
func TestDoCanceledAtEnd(t *testing.T) {
	b := &decode.Bundle{Path: decode.Stdin, MessagesPath: decode.Stdin, Stream: strings.NewReader("")}
	r, err := OpenEngine(b, "stdin", Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := r.Do(ctx); !errors.Is(err, ErrCanceled) || err.Error() != "-: canceled" {
		t.Errorf("Do: %v, want -: canceled", err)
	}
}

// A canceled Do reports no warning: the input was not analysed, and its
// last line read may be cut short by the interruption (a bad line that is
// not one in the recording).
func TestWarningsAfterCancel(t *testing.T) {
	b := &decode.Bundle{Path: "g.jsonl", MessagesPath: "g.jsonl", Stream: strings.NewReader("{\"type\":")}
	r, err := OpenEngine(b, "g", Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := r.Do(ctx); !errors.Is(err, ErrCanceled) {
		t.Fatalf("Do: %v, want canceled", err)
	}
	if ws := r.Warnings(); len(ws) != 0 {
		t.Errorf("warnings %q, want none", ws)
	}
}

// Attach twice would attach a second possession and heatmap analyzer,
// and every heat cell would be counted twice: the second call fails and
// attaches nothing. A nil session is an error, not a panic.
func TestAttachTwice(t *testing.T) {
	s, err := track.NewSession(track.DefaultConfig(), track.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	if err := Attach(s, track.Meta{}, Options{}); err != nil {
		t.Fatal(err)
	}
	if err := Attach(s, track.Meta{}, Options{}); err == nil || !strings.Contains(err.Error(), "already") {
		t.Errorf("second Attach: %v, want an error saying the analyzers are there already", err)
	}
	if n := len(s.Analyzers()); n != 2 {
		t.Errorf("%d analyzers attached, want 2", n)
	}
	if err := Attach(nil, track.Meta{}, Options{}); err == nil {
		t.Error("Attach(nil): no error")
	}
}

// Open of a nil bundle is an error, and leaves nothing in the output
// directory (it used to panic after the writer had made its hidden
// files).
func TestOpenNilBundle(t *testing.T) {
	out := t.TempDir()
	if _, err := Open(nil, "s", Options{Out: out}); err == nil {
		t.Fatal("Open(nil): no error")
	}
	if _, err := OpenEngine(nil, "s", Options{}); err == nil {
		t.Fatal("OpenEngine(nil): no error")
	}
	if ents, _ := os.ReadDir(out); len(ents) != 0 {
		t.Errorf("Open(nil) left %d files in the output", len(ents))
	}
}

// A recording given twice (a file concatenated twice) has its shots and
// markers counted once, the repeats counted and warned about, and the
// warning about its many late samples says the recording seems to repeat
// itself, not only that the feed's clock may have jumped back. Once, it
// has neither warning.
func TestWarningsRecordingTwice(t *testing.T) {
	dir := t.TempDir()
	msgs, err := os.ReadFile(filepath.Join(smallBundle(t, dir), decode.BundleMessages))
	if err != nil {
		t.Fatal(err)
	}
	run := func(name string, data []byte) (*track.Summary, []string) {
		t.Helper()
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		b, err := decode.OpenBundle(path)
		if err != nil {
			t.Fatal(err)
		}
		r, err := Open(b, name, options(filepath.Join(dir, "out-"+name)))
		if err != nil {
			t.Fatal(err)
		}
		sum, err := r.Do(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return sum, r.Warnings()
	}
	once, wsOnce := run("once.jsonl", msgs)
	twice, ws := run("twice.jsonl", append(append([]byte(nil), msgs...), msgs...))
	for _, w := range wsOnce {
		if strings.Contains(w, "repeat") || strings.Contains(w, "late") {
			t.Errorf("the recording once: warning %q", w)
		}
	}
	markers := int64(bytes.Count(msgs, []byte(`"type":"marker"`)))
	shots := int64(bytes.Count(msgs, []byte(`"type":"shot"`)))
	if q := twice.Quality; markers == 0 || q.RepeatedMarkers != markers || q.RepeatedShots != shots {
		t.Errorf("twice: %d repeated shots, %d repeated markers; want %d, %d", q.RepeatedShots, q.RepeatedMarkers, shots, markers)
	}
	if q := once.Quality; q.RepeatedMarkers != 0 || q.RepeatedShots != 0 {
		t.Errorf("once: %d repeated shots, %d repeated markers; want none", q.RepeatedShots, q.RepeatedMarkers)
	}
	var late, repeats []string
	for _, w := range ws {
		switch {
		case strings.Contains(w, "dropped for their timestamps"):
			late = append(late, w)
		case strings.Contains(w, "repeated earlier ones and were dropped"):
			repeats = append(repeats, w)
		}
	}
	if len(late) != 1 || !strings.Contains(late[0], "the recording seems to repeat itself") ||
		!strings.Contains(late[0], fmt.Sprintf("quality.repeated_markers %d", markers)) {
		t.Errorf("late samples warned as %q, want one that says the recording seems to repeat itself", late)
	}
	if len(repeats) != 1 || !strings.HasPrefix(repeats[0], filepath.Join(dir, "twice.jsonl")+": ") ||
		!strings.Contains(repeats[0], fmt.Sprintf("%d marker messages (quality.repeated_markers)", markers)) {
		t.Errorf("repeats warned as %q, want one that counts %d marker messages", repeats, markers)
	}
}

// TestRepeatsForgottenWarning: shots and markers the engine's repeat
// check forgot beyond its bounds are warned of, with the bounds; none,
// no warning.
func TestRepeatsForgottenWarning(t *testing.T) {
	warned := func(q track.Quality) string {
		for _, w := range SummaryWarnings("g", &track.Summary{Quality: q}) {
			if strings.Contains(w, "repeats_forgotten") {
				return w
			}
		}
		return ""
	}
	want := fmt.Sprintf("g: the feed sent more distinct shots or markers than the engine's repeat check remembers (the last %d shots, %d markers): "+
		"183617 shot or marker keys forgotten (quality.repeats_forgotten)", track.MaxRepeatShots, track.MaxRepeatMarkers)
	if w := warned(track.Quality{Locations: 100, BallSensors: 1, RepeatsForgotten: 183617}); !strings.HasPrefix(w, want) {
		t.Errorf("warning %q, want it to start %q", w, want)
	}
	if w := warned(track.Quality{Locations: 100, BallSensors: 1}); w != "" {
		t.Errorf("nothing forgotten: warning %q", w)
	}
}

// TestPeriodsRefusedWarning: start markers beyond track.MaxPeriods,
// refused by the engine, are warned of; none, no warning.
func TestPeriodsRefusedWarning(t *testing.T) {
	warned := func(q track.Quality) string {
		for _, w := range SummaryWarnings("g", &track.Summary{Quality: q}) {
			if strings.Contains(w, "periods_refused") {
				return w
			}
		}
		return ""
	}
	want := fmt.Sprintf("g: the feed opened more periods than the engine numbers (%d): 999 start or *_NEXT markers opened none (quality.periods_refused)", track.MaxPeriods)
	if w := warned(track.Quality{Locations: 100, BallSensors: 1, PeriodsRefused: 999}); !strings.HasPrefix(w, want) {
		t.Errorf("warning %q, want it to start %q", w, want)
	}
	if w := warned(track.Quality{Locations: 100, BallSensors: 1}); w != "" {
		t.Errorf("nothing refused: warning %q", w)
	}
}

// TestStrictKeepsAnalysisWarnings: --strict fails an input with a bad
// line or cut short, but an input it analyses is warned of what the
// analysis found as without it (Run.Warnings dropped them under Strict:
// a recording given twice was analysed without a word).
func TestStrictKeepsAnalysisWarnings(t *testing.T) {
	dir := t.TempDir()
	msgs, err := os.ReadFile(filepath.Join(smallBundle(t, dir), decode.BundleMessages))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "twice.jsonl")
	if err := os.WriteFile(path, append(append([]byte(nil), msgs...), msgs...), 0o644); err != nil {
		t.Fatal(err)
	}
	b, err := decode.OpenBundle(path)
	if err != nil {
		t.Fatal(err)
	}
	opt := options(filepath.Join(dir, "out"))
	opt.Strict = true
	r, err := Open(b, "twice", opt)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Do(context.Background()); err != nil {
		t.Fatal(err)
	}
	ws := r.Warnings()
	for _, want := range []string{"dropped for their timestamps", "repeated earlier ones and were dropped"} {
		if !slices.ContainsFunc(ws, func(w string) bool { return strings.Contains(w, want) }) {
			t.Errorf("--strict: warnings %q, want one saying %q", ws, want)
		}
	}
}
