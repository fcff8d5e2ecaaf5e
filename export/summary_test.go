package export

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestWriteJSON(t *testing.T) {
	type body struct {
		ID   int64  `json:"id"`
		Name string `json:"name"`
	}
	for _, sync := range []bool{false, true} {
		dir := t.TempDir()
		p := filepath.Join(dir, "live.json")
		if err := os.WriteFile(p, []byte("old"), 0o600); err != nil {
			t.Fatal(err)
		}
		v := &body{ID: 461, Name: "Home"}
		if err := WriteJSON(p, v, sync); err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var got body
		if err := json.Unmarshal(data, &got); err != nil || !reflect.DeepEqual(&got, v) {
			t.Errorf("sync=%v round trip: got %+v (%v), want %+v", sync, got, err, v)
		}
		if !strings.HasSuffix(string(data), "}\n") || !strings.Contains(string(data), "\n  \"id\"") {
			t.Errorf("sync=%v: want indented JSON with a final newline, got %q", sync, data)
		}
		if fi, _ := os.Stat(p); fi.Mode().Perm() != 0o644 {
			t.Errorf("sync=%v: mode %v, want 0644", sync, fi.Mode().Perm())
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 1 {
			t.Errorf("sync=%v: temporary files left behind: %v", sync, entries)
		}

		// Failures leave the old file and no temporary file behind.
		if err := WriteJSON(p, func() {}, sync); err == nil {
			t.Errorf("sync=%v: unencodable value: want an error", sync)
		}
		notDir := filepath.Join(dir, "live.json", "x.json") // parent is a file
		if err := WriteJSON(notDir, v, sync); err == nil {
			t.Errorf("sync=%v: parent is a file: want an error", sync)
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 1 {
			t.Errorf("sync=%v: failed writes left files behind: %v", sync, entries)
		}
		if again, _ := os.ReadFile(p); string(again) != string(data) {
			t.Errorf("sync=%v: a failed write changed the file: %q", sync, again)
		}

		// Missing directories are created (live mode writes gap/NNNN-*.json).
		deep := filepath.Join(dir, "gap", "0001-stats.json")
		if err := WriteJSON(deep, v, sync); err != nil {
			t.Errorf("sync=%v: missing directory: %v", sync, err)
		}
	}
}

// summary.json's quality holds every field of track.Quality under the
// quality table's column name, with its value: a count added to the engine
// cannot be left out of one of them again (bad_times was).
func TestSummarizeQualityHasEveryCount(t *testing.T) {
	sum := fakeSummary()
	q := reflect.ValueOf(&sum.Quality).Elem()
	want := map[string]any{}
	for i := range q.NumField() {
		f := q.Field(i)
		switch f.Kind() {
		case reflect.Int64:
			f.SetInt(int64(100 + i))
			want[snake(q.Type().Field(i).Name)] = float64(100 + i)
		case reflect.Float64:
			f.SetFloat(float64(100+i) + 0.5)
			want[snake(q.Type().Field(i).Name)] = float64(100+i) + 0.5
		case reflect.Bool:
			f.SetBool(true)
			want[snake(q.Type().Field(i).Name)] = true
		}
	}
	b, err := json.Marshal(Summarize(sum).Quality)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("summary.json quality.%s = %v, want %v", k, got[k], v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("summary.json quality has %d keys, track.Quality %d counts: %v", len(got), len(want), got)
	}
}

func TestSetImages(t *testing.T) {
	var s SessionSummary
	dir := filepath.Join("out", "x")
	s.SetImages(dir, []string{filepath.Join(ImageDir(dir, "g/1", true), "shots_all.png"), filepath.Join(ImageDir(dir, "", false), "shots_all.svg")})
	if want := []string{"images/session_id=g%2F1/shots_all.png", "images/shots_all.svg"}; !reflect.DeepEqual(s.Images, want) {
		t.Errorf("SetImages: %q, want %q", s.Images, want)
	}
	s.SetImages(dir, nil)
	if b, _ := json.Marshal(&s); strings.Contains(string(b), `"images"`) {
		t.Errorf("no images, yet summary.json says %s", b)
	}
}

// ReadSummary reads either form of summary.json, and no file as none.
func TestReadSummary(t *testing.T) {
	dir := t.TempDir()
	if m, err := ReadSummary(dir); err != nil || len(m.Sessions) != 0 {
		t.Errorf("no summary.json: %+v, %v", m, err)
	}
	f := func(v any, want []string) {
		t.Helper()
		if err := WriteJSON(filepath.Join(dir, SummaryFile), v, false); err != nil {
			t.Fatal(err)
		}
		m, err := ReadSummary(dir)
		var got []string
		for _, s := range m.Sessions {
			got = append(got, s.SessionID+"@"+s.Source)
		}
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("ReadSummary of %+v: %v, %v; want %v", v, got, err, want)
		}
	}
	f(SessionSummary{SessionID: "g1", Source: "a"}, []string{"g1@a"})
	f(MultiSummary{Sessions: []SessionSummary{{SessionID: "g1", Source: "a"}, {SessionID: "g2", Source: "b"}}}, []string{"g1@a", "g2@b"})
	if err := os.WriteFile(filepath.Join(dir, SummaryFile), []byte(`{"sessions": [`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadSummary(dir); err == nil {
		t.Error("a summary.json cut short: no error")
	}

	// Re-saved by Notepad or PowerShell 5 (Set-Content -Encoding UTF8),
	// with a byte order mark: read as without it, by every reader.
	for _, v := range []any{SessionSummary{SessionID: "g1", Source: "a", Tables: map[string]string{"samples": "samples.parquet"}},
		MultiSummary{Sessions: []SessionSummary{{SessionID: "g1", Source: "a"}}}} {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, SummaryFile)
		if err := os.WriteFile(path, append([]byte("\uFEFF"), b...), 0o644); err != nil {
			t.Fatal(err)
		}
		m, err := ReadSummary(dir)
		if err != nil || len(m.Sessions) != 1 || m.Sessions[0].SessionID != "g1" {
			t.Errorf("summary.json with a byte order mark: %+v, %v", m, err)
		}
		if got := summaryNames(path, []string{"g1"}); got != "g1" {
			t.Errorf("summaryNames with a byte order mark: %q, want g1", got)
		}
		if _, one := v.(SessionSummary); one && flatSession(dir) != "g1" {
			t.Errorf("flatSession with a byte order mark: %q, want g1", flatSession(dir))
		}
	}
}

// An earlier failure without a session id (a directory that could not be
// searched, a path that did not exist) goes once a run adding to the
// dataset searched its place: the path itself or a directory above it,
// reached (no failure of the run above it). Elsewhere it stays.
func TestAddSummarySearchedFailures(t *testing.T) {
	failed := func(path string) FailedInput {
		return FailedInput{Source: strings.TrimPrefix(path, "/d/"), SourcePath: path, Error: "cannot search the directory"}
	}
	earlier := MultiSummary{Failed: []FailedInput{
		failed("/d/season/week2"),      // under a directory searched: goes
		failed("/d/cup/r1"),            // the directory searched itself: goes
		failed("/d/league/a/b"),        // below a directory the run failed again: stays
		failed("/d/other/x"),           // not searched: stays
		failed("/d/seasonal/x"),        // beside, not under, a directory searched: stays
		{Source: "rel", Error: "gone"}, // no source_path: stays
	}}
	run := MultiSummary{
		Sessions: []SessionSummary{{SessionID: "g1", Source: "season/week1/g1", SourcePath: "/d/season/week1/g1"}},
		Failed:   []FailedInput{failed("/d/league/a")},
	}
	no := func(string) bool { return false }
	m := AddSummary(earlier, run, no, no, []string{"/d/season", "/d/cup/r1", "/d/league"})
	var got []string
	for _, f := range m.Failed {
		got = append(got, fmt.Sprintf("%s:%v", f.Source, f.EarlierRun))
	}
	if want := []string{"league/a:false", "league/a/b:true", "other/x:true", "seasonal/x:true", "rel:true"}; !slices.Equal(got, want) {
		t.Errorf("failed: %v, want %v", got, want)
	}
}

// AddSummary keeps the dataset's other sessions (marked earlier_run),
// replaces a session analysed again, drops one that failed this time or
// whose tables are gone, and keeps earlier failures of games still
// missing. The sessions are in time order (start_ms, then session id),
// whatever order they were added in: the drills of a practice added one
// by one read in the order they were played.
func TestAddSummary(t *testing.T) {
	start := map[string]int64{"g1": 10, "g2": 20, "g3": 30, "gone": 40, "g5": 50, "g6": 5, "g7": 20}
	entry := func(id string, earlier bool) SessionSummary {
		return SessionSummary{SessionID: id, Source: id + ".jsonl", EarlierRun: earlier, Start_ms: start[id]}
	}
	earlier := MultiSummary{
		Sessions: []SessionSummary{entry("g1", false), entry("g2", false), entry("g3", true), entry("gone", false), entry("g5", false)},
		Failed: []FailedInput{
			{Source: "g4.jsonl", SessionID: "g4", Error: "bad"},
			{Source: "g6.jsonl", SessionID: "g6", Error: "bad"},
			{Source: "missing", Error: "no such file"},
			{Source: "again", Error: "no such file"},
		},
		Canceled: []CanceledInput{{Source: "g3.jsonl", SessionID: "g3"}},
	}
	run := MultiSummary{
		Sessions: []SessionSummary{entry("g7", false), entry("g2", false), entry("g6", false)},
		Failed:   []FailedInput{{Source: "g5.jsonl", SessionID: "g5", Error: "worse"}, {Source: "again", Error: "no such file"}},
		Canceled: []CanceledInput{{Source: "g8.jsonl", SessionID: "g8"}},
	}
	ran := func(id string) bool { return slices.Contains([]string{"g7", "g2", "g6", "g5"}, id) }
	present := func(id string) bool { return id != "gone" }
	m := AddSummary(earlier, run, ran, present, nil)
	var got []string
	for _, s := range m.Sessions {
		got = append(got, fmt.Sprintf("%s:%v", s.SessionID, s.EarlierRun))
	}
	if want := []string{"g6:false", "g1:true", "g2:false", "g7:false", "g3:true"}; !slices.Equal(got, want) {
		t.Errorf("sessions: %v, want %v", got, want)
	}
	got = nil
	for _, f := range m.Failed {
		got = append(got, fmt.Sprintf("%s/%s:%s:%v", f.Source, f.SessionID, f.Error, f.EarlierRun))
	}
	if want := []string{"g5.jsonl/g5:worse:false", "again/:no such file:false", "g4.jsonl/g4:bad:true", "missing/:no such file:true"}; !slices.Equal(got, want) {
		t.Errorf("failed: %v, want %v", got, want)
	}
	if !reflect.DeepEqual(m.Canceled, run.Canceled) {
		t.Errorf("canceled: %v, want the run's %v", m.Canceled, run.Canceled)
	}
	// Nothing earlier: the run's summary as it is, in time order.
	want := run
	want.Sessions = []SessionSummary{entry("g6", false), entry("g2", false), entry("g7", false)}
	if m := AddSummary(MultiSummary{}, run, ran, present, nil); !reflect.DeepEqual(m, want) {
		t.Errorf("into an empty dataset: %+v, want the run's in time order %+v", m, want)
	}
}

// FindUnlisted names the sessions with partitions (tables or images)
// that no entry describes, with their files and without figures: not
// those with an entry in sessions[], nor a failed one whose files stay
// (earlier_outputs_left), nor those the run removes or replaces (gone),
// nor one-session files.
func TestFindUnlisted(t *testing.T) {
	dir := t.TempDir()
	write := func(rel string) {
		t.Helper()
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range []string{"listed", "left", "ran", "a=b", "c"} {
		write("samples/" + PartitionDir(id) + "/part-0.parquet")
	}
	write("players/" + PartitionDir("c") + "/part-0.parquet")
	write("images/" + PartitionDir("c") + "/" + "shots_team_1.png")
	write("images/" + PartitionDir("d") + "/" + "shots_team_1.svg")
	write("quality.parquet")
	write("images/" + "shots_all.png")
	m := MultiSummary{
		Sessions: []SessionSummary{{SessionID: "listed"}},
		Failed:   []FailedInput{{SessionID: "left", EarlierOutputsLeft: []string{"samples/session_id=left/part-0.parquet"}}, {SessionID: "c", Error: "bad"}},
	}
	got, err := FindUnlisted(dir, m, func(id string) bool { return id == "ran" })
	if err != nil {
		t.Fatal(err)
	}
	want := []UnlistedSession{
		{SessionID: "a=b", Tables: map[string]string{"samples": "samples/session_id=a%3Db/part-0.parquet"}},
		{SessionID: "c", Tables: map[string]string{"samples": "samples/session_id=c/part-0.parquet", "players": "players/session_id=c/part-0.parquet"},
			Images: []string{"images/session_id=c/" + "shots_team_1.png"}},
		{SessionID: "d", Images: []string{"images/session_id=d/" + "shots_team_1.svg"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("FindUnlisted:\n got %+v\nwant %+v", got, want)
	}
}
