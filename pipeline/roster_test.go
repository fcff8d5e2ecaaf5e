package pipeline

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	json "github.com/goccy/go-json"

	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/export"
	"github.com/stmotion/stmotion/synth"
)

// A subscribe.json that lists no player is no roster: it is warned of as
// a missing one is (it gave limits no_roster on stdout and nothing on
// stderr), and a --roster supplies one. A player listed on two teams is
// warned of, naming him, his teams and the one he is taken for (he was
// silently on the last).
func TestRosterWarnings(t *testing.T) {
	cfg := synth.SampleConfig()
	cfg.Minutes = 0.5
	dir := t.TempDir()
	full := filepath.Join(dir, "full")
	if _, err := synth.Write(context.Background(), cfg, full, nil); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(full, decode.BundleSubscribe))
	if err != nil {
		t.Fatal(err)
	}
	// variant copies the game with its subscribe.json changed by edit.
	variant := func(name string, edit func(sub map[string]any)) string {
		p := filepath.Join(dir, name)
		if err := os.CopyFS(p, os.DirFS(full)); err != nil {
			t.Fatal(err)
		}
		var sub map[string]any
		if err := json.Unmarshal(raw, &sub); err != nil {
			t.Fatal(err)
		}
		edit(sub)
		data, err := json.Marshal(sub)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(p, decode.BundleSubscribe), data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	run := func(path string, roster *decode.Subscribe) (*Run, []string) {
		t.Helper()
		b, err := decode.OpenBundle(path)
		if err != nil {
			t.Fatal(err)
		}
		b.Supply("", nil, "players.json", roster)
		r, err := OpenEngine(b, "g", Options{}, &segmentSink{})
		if err != nil {
			t.Fatal(err)
		}
		sum, err := r.Do(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return r, export.Limits(sum)
	}
	noRoster := "players have no names or teams"

	noTeams := variant("noteams", func(sub map[string]any) { delete(sub, "teams") })
	r, limits := run(noTeams, nil)
	checkWarned(t, r, noTeams+": subscribe.json lists no teams: "+noRoster, "limits: no_roster", "analyze --roster FILE")
	if !slices.Contains(limits, export.LimitNoRoster) {
		t.Errorf("no teams: limits %q, want no_roster", limits)
	}
	noPlayers := variant("noplayers", func(sub map[string]any) {
		for _, t := range sub["teams"].([]any) {
			t.(map[string]any)["players"] = []any{}
		}
	})
	r, _ = run(noPlayers, nil)
	checkWarned(t, r, noPlayers+": subscribe.json lists no player on its 2 teams: "+noRoster, "analyze --roster FILE")

	// analyze --roster: the roster given is used instead.
	roster, _, err := decode.ReadRoster(filepath.Join(full, decode.BundleSubscribe))
	if err != nil {
		t.Fatal(err)
	}
	r, limits = run(noTeams, roster)
	if slices.ContainsFunc(r.Warnings(), func(w string) bool { return strings.Contains(w, noRoster) }) || len(limits) != 0 {
		t.Errorf("no teams, --roster given: warnings %q, limits %q; want the roster used", r.Warnings(), limits)
	}

	var moved, from, to float64
	twice := variant("twice", func(sub map[string]any) {
		teams := sub["teams"].([]any)
		first, second := teams[0].(map[string]any), teams[1].(map[string]any)
		p := first["players"].([]any)[0].(map[string]any)
		moved, from, to = p["id"].(float64), first["id"].(float64), second["id"].(float64)
		second["players"] = append(second["players"].([]any), p)
	})
	r, _ = run(twice, nil)
	checkWarned(t, r, filepath.Join(twice, decode.BundleSubscribe)+": player "+ftoa(moved)+" is listed on teams "+ftoa(from)+" and "+ftoa(to)+": taken as team "+ftoa(to)+"'s, the last that lists him")
	r, _ = run(full, nil)
	for _, w := range r.Warnings() {
		if strings.Contains(w, "listed on") || strings.Contains(w, noRoster) || strings.Contains(w, "not UTF-8") {
			t.Errorf("the full game: %s", w)
		}
	}

	// A subscribe.json saved as Windows-1252 ("ANSI"): analysed with its
	// roster, and warned of, as its names read garbled.
	ansi := variant("ansi", func(sub map[string]any) {})
	p := filepath.Join(ansi, decode.BundleSubscribe)
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	i := strings.Index(string(data), `"display_name":"`) + len(`"display_name":"`)
	data = slices.Concat(data[:i], []byte("Jos\xe9 M\xfcller"), data[i+strings.IndexByte(string(data[i:]), '"'):])
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	r, limits = run(ansi, nil)
	checkWarned(t, r, p+": not UTF-8 text (byte 0xE9 at line 1, column ", "names in it are garbled")
	if len(limits) != 0 {
		t.Errorf("a subscribe.json in Windows-1252: limits %q, want its roster used", limits)
	}
}

func ftoa(f float64) string { return strconv.FormatInt(int64(f), 10) }
