package decode

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"unicode/utf8"
)

// writeFiles creates dir/name with content for each entry.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

const (
	testLiveJSON      = `{"teams":[{"id":461,"name":"Home","live":{"started_at":1478800197300,"id":"a1140480","type":"GAME_ROUND","name":"Round 1","facility_name":"Gym","court_name":"Main","location_id":"loc1","is_practice_event":false,"is_game_event":true}}]}`
	testSubscribeJSON = `{"token":"REDACTED","token_data_types":["location"],"active_state":"LIVE","teams":[{"id":461,"name":"Home","players":[{"id":123,"first_name":"A","last_name":"B","display_name":"A B","jersey_number":"00","position":"G"}]}]}`
	testStatsJSON     = `{"teams":[{"id":461,"player_stats":[{"id":123,"player_details":{"id":123,"firstname":"A","lastname":"B"},"stats":{"PTS":4.0}}]}]}`
	testShotsJSON     = `{"teams":[{"id":461,"player_shots":[{"id":123,"player_details":{"id":123,"firstname":"A","lastname":"B"},"shots":[{"occurred_at":1,"is_make":true,"is_3point":false,"zone":3,"hoop_player_x":12,"hoop_player_y":3,"status":"RECORDED"}]}]}]}`
	testCourtJSON     = `{"nw":{"x":0,"y":0},"ne":{"x":28650,"y":0}}`
	testLine          = `{"type":"location","data":{"occurred_at":1478800197342,"type":"PLAYER","id":123,"x":123,"y":456,"z":789}}` + "\n"
)

func TestOpenBundleFull(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		BundleLive: testLiveJSON, BundleSubscribe: testSubscribeJSON, BundleStats: testStatsJSON,
		BundleShots: testShotsJSON, BundleCourt: testCourtJSON, BundleMessages: testLine, BundleTruth: `{}`,
	})
	b, err := OpenBundle(dir)
	if err != nil {
		t.Fatal(err)
	}
	if b.Dir != dir || b.MessagesPath != filepath.Join(dir, BundleMessages) || b.TruthPath != filepath.Join(dir, BundleTruth) {
		t.Errorf("paths: got %+v", b)
	}
	if b.Live == nil || len(b.Live.Teams) != 1 || b.Live.Teams[0].Live.StartedAt_ms != 1478800197300 || !b.Live.Teams[0].Live.IsGameEvent {
		t.Errorf("live: got %+v", b.Live)
	}
	if b.Subscribe == nil || b.Subscribe.Teams[0].Players[0].JerseyNumber != "00" {
		t.Errorf("subscribe: got %+v", b.Subscribe)
	}
	if b.Stats == nil || b.Stats.Teams[0].PlayerStats[0].Stats["PTS"] != 4 {
		t.Errorf("stats: got %+v", b.Stats)
	}
	if b.Shots == nil || b.Shots.Teams[0].PlayerShots[0].Shots[0].Zone != 3 {
		t.Errorf("shots: got %+v", b.Shots)
	}
	if string(b.Court) != testCourtJSON {
		t.Errorf("court: got %q want %q", b.Court, testCourtJSON)
	}
	if b.Periods != nil {
		t.Errorf("periods: got %+v, want none (no periods.json)", b.Periods)
	}
	writeFiles(t, dir, map[string]string{BundlePeriods: `{"previous_live_id":"a0","period":2,"period_open":true}`})
	if b, err = OpenBundle(dir); err != nil {
		t.Fatal(err)
	}
	if want := (Continuation{PreviousLiveID: "a0", Period: 2, PeriodOpen: true}); b.Periods == nil || *b.Periods != want {
		t.Errorf("periods: got %+v, want %+v", b.Periods, want)
	}
	// With the clock the previous live id left.
	writeFiles(t, dir, map[string]string{BundlePeriods: `{"previous_live_id":"a0","period":2,"period_open":false,"clock":"paused"}`})
	if b, err = OpenBundle(dir); err != nil {
		t.Fatal(err)
	}
	if want := (Continuation{PreviousLiveID: "a0", Period: 2, Clock: ClockPaused}); b.Periods == nil || *b.Periods != want {
		t.Errorf("periods: got %+v, want %+v", b.Periods, want)
	}
}

func TestOpenBundleMinimalAndBare(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{BundleMessages + ".zst": "x"})
	b, err := OpenBundle(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := &Bundle{Path: dir, Dir: dir, MessagesPath: filepath.Join(dir, BundleMessages+".zst")}
	if !reflect.DeepEqual(b, want) {
		t.Errorf("got %+v want %+v", b, want)
	}

	bare := filepath.Join(dir, "game.jsonl")
	writeFiles(t, dir, map[string]string{"game.jsonl": testLine})
	b, err = OpenBundle(bare)
	if err != nil {
		t.Fatal(err)
	}
	want = &Bundle{Path: bare, MessagesPath: bare}
	if !reflect.DeepEqual(b, want) {
		t.Errorf("got %+v want %+v", b, want)
	}
}

func TestOpenBundleErrors(t *testing.T) {
	tests := []struct {
		name    string
		files   map[string]string
		wantSub string // the error must name this
		wantIs  error
	}{
		{"no messages", map[string]string{BundleCourt: testCourtJSON}, BundleMessages, ErrNotBundle},
		{"incomplete", map[string]string{BundleLive: testLiveJSON}, "an incomplete session bundle: live.json but no messages.jsonl", nil},
		{"two messages files", map[string]string{BundleMessages: testLine, BundleMessages + ".gz": "x"}, "more than one", nil},
		{"bad live", map[string]string{BundleMessages: testLine, BundleLive: `{"teams":[`}, BundleLive, nil},
		{"bad subscribe", map[string]string{BundleMessages: testLine, BundleSubscribe: `{"teams":7}`}, BundleSubscribe, nil},
		{"bad stats", map[string]string{BundleMessages: testLine, BundleStats: `[]`}, BundleStats, nil},
		{"bad shots", map[string]string{BundleMessages: testLine, BundleShots: `{"teams":[{"id":"x"}]}`}, BundleShots, nil},
		{"bad court", map[string]string{BundleMessages: testLine, BundleCourt: `{"nw":`}, BundleCourt, nil},
		{"bad periods", map[string]string{BundleMessages: testLine, BundlePeriods: `{"period":"2"}`}, BundlePeriods, nil},
		{"negative period", map[string]string{BundleMessages: testLine, BundlePeriods: `{"period":-1}`}, BundlePeriods + ": decode: period -1", nil},
		{"open period 0", map[string]string{BundleMessages: testLine, BundlePeriods: `{"period":0,"period_open":true}`}, BundlePeriods, nil},
		{"period out of range", map[string]string{BundleMessages: testLine, BundlePeriods: `{"period":1025}`}, BundlePeriods, nil},
		{"unknown clock", map[string]string{BundleMessages: testLine, BundlePeriods: `{"period":1,"clock":"stopped"}`}, BundlePeriods + `: decode: clock "stopped"`, nil},
	}
	for _, tt := range tests {
		dir := t.TempDir()
		writeFiles(t, dir, tt.files)
		b, err := OpenBundle(dir)
		if err == nil {
			t.Errorf("%s: files %v: got %+v, want an error", tt.name, tt.files, b)
			continue
		}
		// Path first, as the engine's court errors ("g01/court.json: court: ...").
		if !strings.Contains(err.Error(), tt.wantSub) || !strings.HasPrefix(err.Error(), dir) || !strings.Contains(err.Error(), ": decode: ") {
			t.Errorf("%s: error %q does not start with %s, then \"decode: \", and name %q", tt.name, err, dir, tt.wantSub)
		}
		if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
			t.Errorf("%s: error %v is not %v", tt.name, err, tt.wantIs)
		}
	}
	if _, err := OpenBundle(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("missing path: want an error")
	}
}

// An error in a bundle's JSON file says where: the offset (with line and
// column) of the offending byte or of the value, and the value's key path.
// Valid JSON escapes in a jersey are not errors.
func TestOpenBundleJSONErrors(t *testing.T) {
	sub := func(jersey string) string {
		return "{\"teams\":[{\"id\":461,\"players\":[{\"id\":1,\"jersey_number\":7},\n  {\"id\":2,\"jersey_number\":" + jersey + "}]}]}"
	}
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{BundleMessages: testLine, BundleSubscribe: sub(`"0\/0"`)})
	if b, err := OpenBundle(dir); err != nil || b.Subscribe.Teams[0].Players[1].JerseyNumber != "0/0" {
		t.Errorf("jersey \"0\\/0\": got %+v, %v; want jersey 0/0", b, err)
	}

	for _, c := range []struct {
		name, file, body string
		want             string // the error must end with this
	}{
		{"jersey object", BundleSubscribe, sub(`{"a":1}`), `offset 85 (line 2, column 27): teams.0.players.1.jersey_number: want a string or an integer, got {"a":1}`},
		{"jersey true", BundleSubscribe, sub(`true`), `offset 85 (line 2, column 27): teams.0.players.1.jersey_number: want a string or an integer, got true`},
		{"jersey fraction", BundleSubscribe, sub(`1.5e-1`), `offset 85 (line 2, column 27): teams.0.players.1.jersey_number: want a string or an integer, got 1.5e-1`},
		{"jersey bad escape", BundleSubscribe, sub(`"0\x"`), `offset 88 (line 2, column 30): syntax error: unexpected "x\"}]}]}"`},
		{"player id string", BundleShots, `{"teams":[{"id":461,"player_shots":[{"id":"7"}]}]}`, `offset 42 (line 1, column 43): teams.0.player_shots.0.id: want int64, got string`},
		{"teams a number", BundleLive, `{"teams":7}`, `offset 9 (line 1, column 10): teams: want []decode.LiveTeam, got number`},
		{"truncated", BundleStats, `{"teams":[`, `offset 10 (line 1, column 11): syntax error: unexpected end of input`},
		{"trailing text", BundleLive, `{"teams":[]} x`, `offset 13 (line 1, column 14): syntax error: unexpected "x"`},
		{"court", BundleCourt, `{"nw":{"x":0,}}`, `not valid JSON: offset 13 (line 1, column 14): syntax error: unexpected "}}"`},
	} {
		dir := t.TempDir()
		writeFiles(t, dir, map[string]string{BundleMessages: testLine, c.file: c.body})
		_, err := OpenBundle(dir)
		prefix := filepath.Join(dir, c.file) + ": decode: "
		if err == nil || !strings.HasPrefix(err.Error(), prefix) || !strings.HasSuffix(err.Error(), c.want) {
			t.Errorf("%s: %s %s:\n got:  %v\n want: %s...%s", c.name, c.file, c.body, err, prefix, c.want)
		}
		if strings.Contains(c.want, "syntax error") && !errors.Is(err, ErrSyntax) {
			t.Errorf("%s: %v does not wrap ErrSyntax", c.name, err)
		}
	}
}

// A court and a roster read from files of any name fill in what a bundle
// lacks, and nothing it has (Supply: analyze's --roster, mock's --court);
// ReplaceCourt (analyze's --court) replaces a bundle's own court.json.
func TestReadCourtRosterSupply(t *testing.T) {
	dir := t.TempDir()
	teams := testSubscribeJSON[strings.Index(testSubscribeJSON, `[{"id":461`) : len(testSubscribeJSON)-1]
	writeFiles(t, dir, map[string]string{
		"court-main.json":          testCourtJSON,
		"players.json":             `{"gameid":"g","teams":` + teams + `}`,
		"teams.json":               " \n" + teams,
		"subscribe.json":           testSubscribeJSON,
		"bad.json":                 `{"nw":`,
		"no-teams.json":            `{"xne":1}`,
		"empty-array.json":         `[]`,
		"no-players.json":          `{"teams":[{"id":461,"name":"x"}]}`,
		"game.jsonl":               testLine,
		"bundle/" + BundleMessages: testLine,
		"bundle/" + BundleCourt:    `{"own":1}`,
	})
	p := func(name string) string { return filepath.Join(dir, name) }
	court, err := ReadCourt(p("court-main.json"))
	if err != nil || string(court) != testCourtJSON {
		t.Fatalf("ReadCourt: %q, %v", court, err)
	}
	for _, name := range []string{"players.json", "teams.json", "subscribe.json"} {
		sub, _, err := ReadRoster(p(name))
		if err != nil || len(sub.Teams) != 1 || sub.Teams[0].ID != 461 || sub.Teams[0].Players[0].DisplayName != "A B" {
			t.Errorf("ReadRoster(%s): %+v, %v", name, sub, err)
		}
	}
	for _, c := range []struct {
		read func(string) error
		name string
		want string
	}{
		{func(p string) error { _, err := ReadCourt(p); return err }, "bad.json", "not valid JSON"},
		{func(p string) error { _, err := ReadCourt(p); return err }, "missing.json", "no such file"},
		{func(p string) error { _, err := ReadCourt(p); return err }, "bundle", "is a directory"},
		{func(p string) error { _, _, err := ReadRoster(p); return err }, "bad.json", "roster file"},
		{func(p string) error { _, _, err := ReadRoster(p); return err }, "no-teams.json", "no teams"},
		{func(p string) error { _, _, err := ReadRoster(p); return err }, "empty-array.json", "no teams"},
		{func(p string) error { _, _, err := ReadRoster(p); return err }, "no-players.json", "no players"},
	} {
		err := c.read(p(c.name))
		if err == nil || !strings.HasPrefix(err.Error(), "decode: ") || !strings.Contains(err.Error(), p(c.name)) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one naming the file and %q", c.name, err, c.want)
		}
	}

	sub, _, _ := ReadRoster(p("players.json"))
	bare, err := OpenBundle(p("game.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	bare.Supply(p("court-main.json"), court, p("players.json"), sub)
	if string(bare.Court) != testCourtJSON || bare.CourtPath != p("court-main.json") || bare.Subscribe != sub || bare.SubscribePath != p("players.json") {
		t.Errorf("bare recording after Supply: %+v", bare)
	}
	own, err := OpenBundle(p("bundle"))
	if err != nil {
		t.Fatal(err)
	}
	own.Supply(p("court-main.json"), court, p("players.json"), sub)
	if string(own.Court) != `{"own":1}` || own.CourtPath != filepath.Join(p("bundle"), BundleCourt) {
		t.Errorf("a bundle's own court.json was replaced: %q from %s", own.Court, own.CourtPath)
	}
	if own.Subscribe != sub || own.SubscribePath != p("players.json") {
		t.Errorf("a bundle without subscribe.json did not get the roster: %+v", own)
	}
	if own.CourtGiven || !bare.CourtGiven {
		t.Errorf("CourtGiven: %v for the bundle's own court.json, %v for the court Supply gave", own.CourtGiven, bare.CourtGiven)
	}
	// ReplaceCourt (analyze --court) gives every input its court, a
	// bundle's own court.json replaced and kept to say so.
	own.ReplaceCourt(p("court-main.json"), court)
	if string(own.Court) != testCourtJSON || own.CourtPath != p("court-main.json") || !own.CourtGiven ||
		string(own.ReplacedCourt) != `{"own":1}` || own.ReplacedCourtPath != filepath.Join(p("bundle"), BundleCourt) {
		t.Errorf("a bundle's own court.json after ReplaceCourt: %q from %s (given %v), replaced %q from %s",
			own.Court, own.CourtPath, own.CourtGiven, own.ReplacedCourt, own.ReplacedCourtPath)
	}
	own.ReplaceCourt(p("other.json"), []byte(`{}`))
	if own.CourtPath != p("court-main.json") || own.ReplacedCourtPath != filepath.Join(p("bundle"), BundleCourt) {
		t.Errorf("a second ReplaceCourt: court from %s, replaced %s", own.CourtPath, own.ReplacedCourtPath)
	}
	bare2, err := OpenBundle(p("game.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	bare2.ReplaceCourt(p("court-main.json"), court)
	if string(bare2.Court) != testCourtJSON || !bare2.CourtGiven || bare2.ReplacedCourt != nil {
		t.Errorf("a bare recording after ReplaceCourt: %+v", bare2)
	}
	// A subscribe.json that lists no player (no teams, or teams without
	// players) is no roster either: the one given fills it in. One that
	// lists players stays.
	for name, body := range map[string]string{
		"noteams":   `{"token":"x","active_state":"LIVE"}`,
		"noplayers": `{"teams":[{"id":461,"name":"x","players":[]}]}`,
		"own":       testSubscribeJSON,
	} {
		writeFiles(t, dir, map[string]string{name + "/" + BundleMessages: testLine, name + "/" + BundleSubscribe: body})
		b, err := OpenBundle(p(name))
		if err != nil {
			t.Fatal(err)
		}
		if b.Subscribe.HasPlayers() != (name == "own") {
			t.Errorf("%s: HasPlayers %v", name, b.Subscribe.HasPlayers())
		}
		b.Supply("", nil, p("players.json"), sub)
		if supplied := b.Subscribe == sub && b.SubscribePath == p("players.json"); supplied != (name != "own") {
			t.Errorf("%s: roster supplied %v, want %v", name, supplied, name != "own")
		}
	}
}

func TestFindBundles(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"season/g1/" + BundleMessages:         testLine,
		"season/g1/" + BundleLive:             testLiveJSON,
		"season/g1/extra.jsonl":               testLine, // inside a bundle: not a recording of its own
		"season/g2/" + BundleMessages + ".gz": "x",
		"season/g3/" + BundleMessages:         testLine, // two messages files: a bundle that
		"season/g3/" + BundleMessages + ".gz": "x",      // fails to open, not two recordings
		"season/loose.jsonl.zst":              "x",
		"season/notes.txt":                    "x",
		"season/.hidden/" + BundleMessages:    testLine,
		"season/deep/er/r.ndjson":             testLine,
		"single/" + BundleMessages:            testLine,
		"empty/readme.md":                     "x",
		"plain.txt":                           "x",
	})
	j := func(p string) string { return filepath.Join(root, p) }
	got, unsearched, err := FindBundles(j("season"), j("single"), j("plain.txt"))
	if err != nil || unsearched != nil {
		t.Fatal(err, unsearched)
	}
	want := []string{j("season/deep/er/r.ndjson"), j("season/g1"), j("season/g2"), j("season/g3"), j("season/loose.jsonl.zst"), j("single"), j("plain.txt")}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	if _, err := OpenBundle(j("season/g3")); err == nil || !strings.Contains(err.Error(), "more than one messages file") {
		t.Errorf("OpenBundle of a directory with two messages files: %v", err)
	}
	if _, _, err := FindBundles(j("empty")); !errors.Is(err, ErrNotBundle) {
		t.Errorf("empty dir: got %v, want ErrNotBundle", err)
	}
	if _, _, err := FindBundles(j("nope")); err == nil {
		t.Error("missing path: want an error")
	}
}

// Recording extensions match in any case, as Windows and macOS match
// *.jsonl: a search finds GAME2.JSONL.GZ, and the session id drops its
// extensions as it does a lower-case name's.
func TestRecordingNamesAnyCase(t *testing.T) {
	for _, c := range []struct {
		name, base string
		recording  bool
	}{
		{"game1.jsonl.gz", "game1", true},
		{"GAME2.JSONL.GZ", "GAME2", true},
		{"Game3.JSONL", "Game3", true},
		{"x.Jsonl.Zst", "x", true},
		{"r.NDJSON", "r", true},
		{"D.jsonl.gz.zst", "D", true}, // compressed twice: read through (NewReader)
		{"D.JSONL.ZST.GZ", "D", true},
		{"notes.JSON", "notes", false},
		{"a.gz", "a", false},
		{"jsonl", "jsonl", false},
		{"x.jsonl.gz.zst.gz", "x.jsonl.gz", false}, // three: not read through
	} {
		if got := IsRecordingName(c.name); got != c.recording {
			t.Errorf("IsRecordingName(%q) = %v, want %v", c.name, got, c.recording)
		}
		if got := RecordingBase(filepath.Join("dir", c.name)); got != c.base {
			t.Errorf("RecordingBase(%q) = %q, want %q", c.name, got, c.base)
		}
	}
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"d1/game1.jsonl":    testLine,
		"d1/GAME2.JSONL":    testLine,
		"d1/Game3.Ndjson":   testLine,
		"d1/notes.TXT":      testLine,
		"d1b/GAME2.JSONL":   testLine,
		"d1b/sub/x.JsonL":   testLine,
		"d1b/sub/readme.md": "x",
	})
	j := func(p string) string { return filepath.Join(root, p) }
	for arg, want := range map[string][]string{
		"d1":  {j("d1/GAME2.JSONL"), j("d1/Game3.Ndjson"), j("d1/game1.jsonl")},
		"d1b": {j("d1b/GAME2.JSONL"), j("d1b/sub/x.JsonL")},
	} {
		if got, unsearched, err := FindBundles(j(arg)); err != nil || unsearched != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("FindBundles(%s): %q, %v, %v\n want %q", arg, got, unsearched, err, want)
		}
	}
}

// Links to directories are followed, whether given or met in a search,
// and a directory reached again through a link (a loop, a second link)
// is not searched again.
func TestFindBundlesLinks(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"big/b21/" + BundleMessages: testLine,
		"big/b22/" + BundleMessages: testLine,
		"big/r.jsonl":               testLine,
		"linked/x.txt":              "x",
	})
	j := func(p string) string { return filepath.Join(root, p) }
	link := func(target, name string) {
		t.Helper()
		if err := os.Symlink(target, j(name)); err != nil {
			t.Skipf("no symbolic links here: %v", err)
		}
	}
	link(j("big/b21"), "linked/b21")           // a bundle
	link("../big", "linked/all")               // a directory to search, relative
	link("..", "linked/up")                    // a loop
	link(j("big/r.jsonl"), "linked/r.jsonl")   // a recording
	link(j("nowhere.jsonl"), "linked/x.jsonl") // dangling: an input that fails
	f := func(arg string, want ...string) {
		t.Helper()
		got, unsearched, err := FindBundles(j(arg))
		for i := range want {
			want[i] = j(want[i])
		}
		if err != nil || unsearched != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("FindBundles(%s):\n got  %q, %v, %v\n want %q", arg, got, unsearched, err, want)
		}
	}
	f("linked/b21", "linked/b21")
	f("linked", "linked/all/b21", "linked/all/b22", "linked/all/r.jsonl", "linked/r.jsonl", "linked/x.jsonl")
	f("big", "big/b21", "big/b22", "big/r.jsonl")
}

// A directory with a live.json but no messages file is an incomplete
// bundle: listed, so that OpenBundle says what it misses, rather than
// skipped.
func TestFindBundlesIncomplete(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"season/g1/" + BundleMessages: testLine,
		"season/g2/" + BundleLive:     testLiveJSON,
		"season/g2/" + BundleCourt:    testCourtJSON,
		"season/g3/" + BundleCourt:    testCourtJSON, // no live.json: not a bundle, nothing to analyse
	})
	j := func(p string) string { return filepath.Join(root, p) }
	got, _, err := FindBundles(j("season"))
	if want := []string{j("season/g1"), j("season/g2")}; err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("FindBundles: got %q, %v; want %q", got, err, want)
	}
	b, err := OpenBundle(j("season/g2"))
	want := j("season/g2") + ": decode: an incomplete session bundle: live.json but no messages.jsonl, messages.jsonl.gz or messages.jsonl.zst"
	if err == nil || err.Error() != want || b == nil || b.Live == nil {
		t.Errorf("OpenBundle(g2): %v\n want %s, and live.json read", err, want)
	}
	if got, _, err := FindBundles(j("season/g2")); err != nil || len(got) != 1 {
		t.Errorf("FindBundles(g2): %q, %v; want g2 itself", got, err)
	}
}

func ExampleOpenBundle() {
	dir, err := os.MkdirTemp("", "bundle")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	// What a recorder writes: REST bodies atomically, then the feed.
	live := &LiveInfo{Teams: []LiveTeam{{ID: 461, Name: "Home", Live: LiveMeta{ID: "a1140480", Type: "GAME_ROUND", IsGameEvent: true}}}}
	body, err := json.Marshal(live)
	if err != nil {
		panic(err)
	}
	if err := os.WriteFile(filepath.Join(dir, BundleLive), body, 0o644); err != nil {
		panic(err)
	}
	feed := `{"type":"location","data":{"occurred_at":1478800197342,"type":"PLAYER","id":123,"x":123,"y":456,"z":789}}` + "\n"
	if err := os.WriteFile(filepath.Join(dir, BundleMessages), []byte(feed), 0o644); err != nil {
		panic(err)
	}

	b, err := OpenBundle(dir)
	if err != nil {
		panic(err)
	}
	fmt.Println("live:", b.Live.Teams[0].Live.ID, b.Live.Teams[0].Live.Type)
	fmt.Println("court.json present:", b.Court != nil)
	r, err := b.OpenMessages(ReaderOptions{})
	if err != nil {
		panic(err)
	}
	defer r.Close()
	var m Message
	for r.Next(&m) {
		fmt.Println(m.Kind, m.Location.ID)
	}
	// Output:
	// live: a1140480 GAME_ROUND
	// court.json present: false
	// location 123
}

// withStdin makes os.Stdin read data for the rest of the test.
func withStdin(t *testing.T, data string) *os.File {
	t.Helper()
	path := filepath.Join(t.TempDir(), "stdin")
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	old := os.Stdin
	os.Stdin = f
	t.Cleanup(func() { os.Stdin = old; f.Close() })
	return f
}

// "-" is standard input: a bare recording, read plain or compressed and
// left open.
func TestStdin(t *testing.T) {
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(testLine + "\n" + testLine + "\n"))
	zw.Close()
	for name, data := range map[string]string{"plain": testLine + "\n" + testLine + "\n", "gzip": gz.String()} {
		f := withStdin(t, data)
		paths, _, err := FindBundles(Stdin)
		if err != nil || !reflect.DeepEqual(paths, []string{Stdin}) {
			t.Fatalf("%s: FindBundles(-) = %q, %v", name, paths, err)
		}
		b, err := OpenBundle(Stdin)
		if err != nil || b.Dir != "" || b.MessagesPath != Stdin {
			t.Fatalf("%s: OpenBundle(-) = %+v, %v", name, b, err)
		}
		r, err := b.OpenMessages(ReaderOptions{})
		if err != nil {
			t.Fatal(err)
		}
		var m Message
		n := 0
		for r.Next(&m) {
			n++
		}
		if n != 2 || r.Err() != nil {
			t.Errorf("%s: %d messages, err %v; want 2", name, n, r.Err())
		}
		if err := r.Close(); err != nil {
			t.Fatal(err)
		}
		if _, err := f.Stat(); err != nil {
			t.Errorf("%s: standard input closed by Close: %v", name, err)
		}
	}
}

// ReadRoster and ReadCourt take any file: whatever its bytes, they return
// an error or what they promise (a roster with teams; JSON), never panic;
// ReadCourt takes every JSON text.
func FuzzReadRosterCourt(f *testing.F) {
	f.Add([]byte(testSubscribeJSON))
	f.Add([]byte(`[{"id":1,"players":[{"id":2,"jersey_number":7}]}]`))
	f.Add([]byte(testCourtJSON))
	f.Add([]byte(` [ `))
	f.Add([]byte(`{"teams":[]}`))
	// Not UTF-8 (a roster saved as Windows-1252): read, with a warning;
	// UTF-16: refused, saying so.
	f.Add([]byte("[{\"id\":1,\"players\":[{\"id\":2,\"display_name\":\"Jos\xe9\"}]}]"))
	f.Add(utf16Bytes(testSubscribeJSON, false, true))
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(t.TempDir(), "f.json")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		if sub, warning, err := ReadRoster(p); err == nil && (sub == nil || len(sub.Teams) == 0) {
			t.Errorf("ReadRoster(%q) = %+v without an error, want teams", data, sub)
		} else if err != nil && !strings.Contains(err.Error(), p) {
			t.Errorf("ReadRoster error %q does not name the file", err)
		} else if err == nil && (warning != "") == utf8.Valid(data) || warning != "" && !strings.HasPrefix(warning, p+": not UTF-8 text") {
			t.Errorf("ReadRoster(%q): warning %q (error %v); want one naming the file when it is not UTF-8", data, warning, err)
		}
		if court, err := ReadCourt(p); err == nil && !json.Valid(court) {
			t.Errorf("ReadCourt(%q) = %q without an error, not JSON", data, court)
		} else if err != nil && !strings.Contains(err.Error(), p) {
			t.Errorf("ReadCourt error %q does not name the file", err)
		} else if err != nil && json.Valid(bytes.TrimPrefix(data, utf8BOM)) {
			// stmotion live records a /court body that is JSON
			// (encoding/json's json.Valid) as court.json: it must open.
			t.Errorf("ReadCourt(%q): %v, but it is JSON", data, err)
		}
	})
}

// TestOpenBundlePartial: with an error, OpenBundle still returns what it
// read before it (the path, live.json), for a caller to name the session
// whose input failed; nil only when the path cannot be read.
func TestOpenBundlePartial(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(BundleMessages, "")
	write(BundleLive, `{"teams":[{"id":1,"live":{"id":"L1"}}]}`)
	write(BundleCourt, `{"xne": [1,}`)
	b, err := OpenBundle(dir)
	if err == nil || b == nil || b.Path != dir || b.Live == nil || len(b.Live.Teams) != 1 {
		t.Errorf("a bundle with a bad court.json: %+v, %v; want the error and what was read before it", b, err)
	}
	if b, err := OpenBundle(filepath.Join(dir, "missing")); err == nil || b != nil {
		t.Errorf("a missing path: %+v, %v; want nil and an error", b, err)
	}
}

// A directory that cannot be searched does not fail the search: it is
// returned in unsearched with why, and the bundles and recordings beside
// it (before and after it in the order) are listed. Root reads any
// directory, whatever its mode, so readDir fails here as os.ReadDir does
// for another user on a directory of mode 000.
func TestFindBundlesUnsearchable(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"season/a.jsonl":              testLine,
		"season/g1/" + BundleMessages: testLine,
		"season/locked/x.jsonl":       testLine,
		"season/z/deeper/r.jsonl":     testLine,
		"only/locked/x.jsonl":         testLine,
	})
	j := func(p string) string { return filepath.Join(root, p) }
	locked := func(dir string) bool { return filepath.Base(dir) == "locked" }
	t.Cleanup(func() { readDir = os.ReadDir })
	readDir = func(dir string) ([]os.DirEntry, error) {
		if locked(dir) {
			return nil, &fs.PathError{Op: "open", Path: dir, Err: syscall.EACCES}
		}
		return os.ReadDir(dir)
	}
	f := func(arg string, want []string, wantUnsearched ...string) {
		t.Helper()
		got, unsearched, err := FindBundles(j(arg))
		for i := range want {
			want[i] = j(want[i])
		}
		var dirs []string
		for _, u := range unsearched {
			dirs = append(dirs, u.Path)
			if !errors.Is(u, fs.ErrPermission) || u.Error() != u.Path+": decode: find bundles: cannot search the directory: open: permission denied" {
				t.Errorf("FindBundles(%s): unsearched %s: %v; want fs.ErrPermission, the directory first", arg, u.Path, u)
			}
		}
		for i := range wantUnsearched {
			wantUnsearched[i] = j(wantUnsearched[i])
		}
		if err != nil || !reflect.DeepEqual(got, want) || !reflect.DeepEqual(dirs, wantUnsearched) {
			t.Errorf("FindBundles(%s):\n got  %q, unsearched %q, %v\n want %q, unsearched %q", arg, got, dirs, err, want, wantUnsearched)
		}
	}
	f("season", []string{"season/a.jsonl", "season/g1", "season/z/deeper/r.jsonl"}, "season/locked")
	// The argument itself: not "nothing to analyse", but what stopped it.
	f("season/locked", nil, "season/locked")
	f("only", nil, "only/locked")

	// As it is for real, where the user is not root.
	readDir = os.ReadDir
	if os.Geteuid() == 0 || runtime.GOOS == "windows" {
		return // root reads it; Windows has no mode 000
	}
	if err := os.Chmod(j("season/locked"), 0); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(j("season/locked"), 0o755) // for t.TempDir's removal
	f("season", []string{"season/a.jsonl", "season/g1", "season/z/deeper/r.jsonl"}, "season/locked")
}

// A directory that cannot even be looked at (os.Stat fails: here its
// path is longer than the system takes, PATH_MAX, as it may be deep in
// a search; or it went away during the search) fails alone too, for
// root as well.
func TestFindBundlesPathTooLong(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("PATH_MAX is Linux's")
	}
	root := t.TempDir()
	writeFiles(t, root, map[string]string{"top/a.jsonl": testLine})
	r, err := os.OpenRoot(filepath.Join(root, "top"))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	// 20 levels of 250-byte names: past PATH_MAX (4096) however short
	// root is.
	var deep []string
	for i := range 20 {
		deep = append(deep, fmt.Sprintf("%02d%s", i, strings.Repeat("d", 248)))
	}
	if err := r.MkdirAll(filepath.Join(deep...), 0o755); err != nil {
		t.Skipf("cannot make a directory that deep here: %v", err)
	}
	if err := r.WriteFile("z.jsonl", []byte(testLine), 0o644); err != nil {
		t.Fatal(err)
	}
	got, unsearched, err := FindBundles(filepath.Join(root, "top"))
	if want := []string{filepath.Join(root, "top/a.jsonl"), filepath.Join(root, "top/z.jsonl")}; err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, %v; want %q", got, err, want)
	}
	if len(unsearched) != 1 || !errors.Is(unsearched[0], syscall.ENAMETOOLONG) || !strings.HasPrefix(unsearched[0].Path, filepath.Join(root, "top", deep[0])) {
		t.Errorf("unsearched %v; want one directory under %s, its path too long", unsearched, deep[0])
	}
}

// A side file saved by a Windows editor (a UTF-8 byte order mark, CRLF)
// reads as without them, as a recording does: the bundle's JSON files,
// --court and --roster files alike. An error's line and column count
// from after the mark, as an editor shows them.
func TestSideFilesBOM(t *testing.T) {
	const bom = "\uFEFF"
	crlf := func(s string) string { return bom + strings.ReplaceAll(s, ",", ",\r\n") + "\r\n" }
	files := map[string]string{
		BundleLive: testLiveJSON, BundleSubscribe: testSubscribeJSON, BundleStats: testStatsJSON,
		BundleShots: testShotsJSON, BundleCourt: testCourtJSON, BundleRounds: "[" + testLiveJSON + "]",
		BundlePeriods: `{"previous_live_id":"a0","period":2,"period_open":true}`,
	}
	plain, marked := t.TempDir(), t.TempDir()
	writeFiles(t, plain, map[string]string{BundleMessages: testLine})
	writeFiles(t, marked, map[string]string{BundleMessages: testLine})
	for name, body := range files {
		writeFiles(t, plain, map[string]string{name: body})
		writeFiles(t, marked, map[string]string{name: bom + body})
	}
	want, err := OpenBundle(plain)
	if err != nil {
		t.Fatal(err)
	}
	got, err := OpenBundle(marked)
	if err != nil {
		t.Fatalf("OpenBundle with byte order marks: %v", err)
	}
	want.Path, want.Dir, want.MessagesPath, want.CourtPath, want.SubscribePath = got.Path, got.Dir, got.MessagesPath, got.CourtPath, got.SubscribePath
	if !reflect.DeepEqual(got, want) {
		t.Errorf("with byte order marks:\n got  %+v\n want %+v", got, want)
	}

	dir := t.TempDir()
	p := func(name string) string { return filepath.Join(dir, name) }
	teams := testSubscribeJSON[strings.Index(testSubscribeJSON, `[{"id":461`) : len(testSubscribeJSON)-1]
	writeFiles(t, dir, map[string]string{
		"court.json": crlf(testCourtJSON), "subscribe.json": crlf(testSubscribeJSON), "teams.json": crlf(teams),
		"bad.json": bom + "{\r\n\"nw\": x}",
	})
	if c, err := ReadCourt(p("court.json")); err != nil || checkSyntax(c) != nil || c[0] != '{' {
		t.Errorf("ReadCourt: %q, %v", c, err)
	}
	for _, name := range []string{"subscribe.json", "teams.json"} {
		if sub, _, err := ReadRoster(p(name)); err != nil || len(sub.Teams) != 1 || sub.Teams[0].Players[0].ID != 123 {
			t.Errorf("ReadRoster(%s): %+v, %v", name, sub, err)
		}
	}
	if _, err := ReadCourt(p("bad.json")); err == nil || !strings.Contains(err.Error(), "offset 9 (line 2, column 7)") {
		t.Errorf("ReadCourt(bad.json): %v; want the x at line 2, column 7", err)
	}
}
