package pipeline

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/export"
	"github.com/stmotion/stmotion/export/chart"
	"github.com/stmotion/stmotion/synth"
	"github.com/stmotion/stmotion/track"
	"github.com/stmotion/stmotion/track/heatmap"
)

// What RenderImages writes into export.ImageDir is what export.ListImages
// finds there, in both layouts: the names are given in one place
// (export), so a rerun replaces and removes exactly these files.
func TestRenderImagesListed(t *testing.T) {
	dir := t.TempDir()
	b, err := decode.OpenBundle(smallBundle(t, dir))
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	r, err := Open(b, "g/1", options(out))
	if err != nil {
		t.Fatal(err)
	}
	sum, err := r.Do(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	shots := append(slices.Clone(r.Shots()),
		heatmap.Shot{TeamID: 1, X_m: 8, Y_m: 1, Made: true},
		heatmap.Shot{TeamID: -2, X_m: 10, Y_m: -2})
	for _, hive := range []bool{false, true} {
		files, err := RenderImages(export.ImageDir(out, "g/1", hive), sum, shots, 0, r.Template(), DefaultCell_m, false, false)
		if err != nil {
			t.Fatal(err)
		}
		listed, err := export.ListImages(out)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, f := range listed {
			if f.Hive == hive {
				got = append(got, f.Path)
				if hive && f.SessionID != "g/1" {
					t.Errorf("%s: session %q, want g/1", f.Path, f.SessionID)
				}
			}
		}
		slices.Sort(got)
		slices.Sort(files)
		if !slices.Equal(got, files) {
			t.Errorf("hive %v: RenderImages wrote\n%q\nListImages found\n%q", hive, files, got)
		}
		// One image of each heatmap (teams, players, ball) and shot chart
		// (all teams, each), in each format.
		want := []string{export.AllShotsImage}
		for _, s := range shots {
			if name := export.ShotsImage(s.TeamID); !slices.Contains(want, name) {
				want = append(want, name)
			}
		}
		for _, c := range sum.Heatmaps {
			if name := export.HeatmapImage(parseScope(c.Scope), c.ID); !slices.Contains(want, name) {
				want = append(want, name)
			}
		}
		var wantFiles []string
		for _, name := range want {
			for _, ext := range export.ImageExts() {
				wantFiles = append(wantFiles, filepath.Join(export.ImageDir(out, "g/1", hive), name+"."+ext))
			}
		}
		slices.Sort(wantFiles)
		if !slices.Equal(files, wantFiles) {
			t.Errorf("hive %v: RenderImages wrote\n%q\nwant\n%q", hive, files, wantFiles)
		}
	}
}

// Shot charts came from the feed's shot messages only: a recording
// without them (optical tracking such as SportVU) got none, silently,
// although shots were detected from the ball. They are now charted from
// the detected field goal attempts, titled so; without a court (no shot
// detected) there is none and NoShotChartReason says why. Heatmaps in the
// sensor frame say so instead of drawing an NBA court's markings over
// uncalibrated positions.
func TestShotChartsWithoutFeedShots(t *testing.T) {
	cfg := synth.SampleConfig()
	cfg.Minutes = 2
	dir := t.TempDir()
	game := filepath.Join(dir, "game")
	if _, err := synth.Write(context.Background(), cfg, game, nil); err != nil {
		t.Fatal(err)
	}
	run := func(path string) (*Run, *track.Summary, string) {
		t.Helper()
		b, err := decode.OpenBundle(path)
		if err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(t.TempDir(), "out")
		r, err := Open(b, "g", options(out))
		if err != nil {
			t.Fatal(err)
		}
		sum, err := r.Do(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		imgs := filepath.Join(out, "images")
		if _, err := RenderImages(imgs, sum, r.Shots(), r.ShotsLeftOut(), r.Template(), DefaultCell_m, false, false); err != nil {
			t.Fatal(err)
		}
		return r, sum, imgs
	}
	sources := func(shots []heatmap.Shot) map[heatmap.ShotSource]int {
		m := map[heatmap.ShotSource]int{}
		for _, s := range shots {
			m[s.Source]++
		}
		return m
	}
	read := func(path string) string {
		t.Helper()
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}

	r, _, _ := run(game)
	if src := sources(r.Shots()); src[heatmap.SourceFeed] == 0 || src[heatmap.SourceDetected] != 0 || r.NoShotChartReason() != "" {
		t.Fatalf("with feed shots: charted %v, reason %q; want the feed's only", src, r.NoShotChartReason())
	}

	// The same game without its shot messages.
	msgs := filepath.Join(game, decode.BundleMessages)
	var kept []string
	for _, l := range strings.SplitAfter(read(msgs), "\n") {
		if !strings.Contains(l, `"type":"shot"`) {
			kept = append(kept, l)
		}
	}
	if err := os.WriteFile(msgs, []byte(strings.Join(kept, "")), 0o644); err != nil {
		t.Fatal(err)
	}
	r, _, imgs := run(game)
	if src := sources(r.Shots()); src[heatmap.SourceDetected] == 0 || src[heatmap.SourceFeed] != 0 || r.NoShotChartReason() != "" {
		t.Errorf("without feed shots: charted %v, reason %q; want the detected ones", src, r.NoShotChartReason())
	}
	if svg := read(filepath.Join(imgs, export.AllShotsImage+".svg")); !strings.Contains(svg, "detected from the ball") {
		t.Errorf("the chart of detected shots does not say so")
	}

	// Without a roster the shooters are team 0, which is no team: the
	// all-teams chart has their shots, and no chart of a "team 0".
	sub := filepath.Join(game, decode.BundleSubscribe)
	subData := read(sub)
	if err := os.Remove(sub); err != nil {
		t.Fatal(err)
	}
	_, _, imgs = run(game)
	if _, err := os.Stat(filepath.Join(imgs, export.AllShotsImage+".svg")); err != nil {
		t.Errorf("no roster: %v", err)
	}
	if _, err := os.Stat(filepath.Join(imgs, export.ShotsImage(0)+".svg")); err == nil || !os.IsNotExist(err) {
		t.Errorf("no roster: a shot chart of team 0 was drawn")
	}
	if err := os.WriteFile(sub, []byte(subData), 0o644); err != nil {
		t.Fatal(err)
	}

	// And without a court: no shot detected, no chart, and why.
	if err := os.Remove(filepath.Join(game, decode.BundleCourt)); err != nil {
		t.Fatal(err)
	}
	r, sum, imgs := run(game)
	if len(r.Shots()) != 0 || !strings.Contains(r.NoShotChartReason(), "no shot chart: the feed sent no shot message") ||
		!strings.Contains(r.NoShotChartReason(), "--court") {
		t.Errorf("no court, no feed shots: %d shots charted, reason %q", len(r.Shots()), r.NoShotChartReason())
	}
	var ball int64
	for _, c := range sum.Heatmaps {
		if c.Scope == heatmap.ScopeBall.String() {
			ball = c.ID
		}
	}
	if svg := read(filepath.Join(imgs, export.HeatmapImage(heatmap.ScopeBall, ball)+".svg")); !strings.Contains(svg, chart.SensorFrameNote) {
		t.Errorf("the ball's heatmap in the sensor frame does not say %q", chart.SensorFrameNote)
	}
}

// Player and team names outside ASCII (Jokić, Ängelholm, 李小龍) are in
// the SVG titles as given, XML-escaped; they were a '?' per byte in both
// formats.
func TestRenderImagesNamesAsGiven(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	r, sum := analyseBundle(t, smallBundle(t, dir), options(out))
	names := []string{"Nikola Jokić & <Co>", "李小龍"}
	var players []int64
	for i := range sum.Players {
		if len(players) < len(names) && sum.Players[i].TimeOnCourt_s > 0 {
			sum.Players[i].Name = names[len(players)]
			players = append(players, sum.Players[i].PlayerID)
		}
	}
	sum.Teams[0].Name = "Ängelholm"
	imgs := filepath.Join(out, "images")
	if _, err := RenderImages(imgs, sum, r.Shots(), r.ShotsLeftOut(), r.Template(), DefaultCell_m, false, false); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		export.HeatmapImage(heatmap.ScopePlayer, players[0]):        "Nikola Jokić &amp; &lt;Co&gt;</text>",
		export.HeatmapImage(heatmap.ScopePlayer, players[1]):        "李小龍</text>",
		export.HeatmapImage(heatmap.ScopeTeam, sum.Teams[0].TeamID): "Ängelholm</text>",
	}
	for name, title := range want {
		svg, err := os.ReadFile(filepath.Join(imgs, name+".svg"))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(svg), title) {
			t.Errorf("%s.svg: no title ending %q", name, title)
		}
	}
}

// A --live-only heatmap was titled exactly like the whole session's, and
// summary.json did not say which it was: its title says "live time only"
// and summary.json's settings record it, with the cell size and folding.
func TestLiveOnlyTitledAndRecorded(t *testing.T) {
	dir := t.TempDir()
	path := smallBundle(t, dir)
	for _, live := range []bool{false, true} {
		out := filepath.Join(dir, fmt.Sprint("out", live))
		opt := options(out)
		opt.LiveOnly, opt.Cell_m = live, 1
		r, sum := analyseBundle(t, path, opt)
		if got, want := export.Summarize(sum).Settings, (&export.Settings{Cell_m: 1, LiveOnly: live}); got == nil || *got != *want {
			t.Errorf("live only %v: summary.json settings %+v, want %+v", live, got, want)
		}
		imgs := filepath.Join(out, "images")
		files, err := RenderImages(imgs, sum, r.Shots(), r.ShotsLeftOut(), r.Template(), 1, false, false)
		if err != nil {
			t.Fatal(err)
		}
		maps := 0
		for _, f := range files {
			if !strings.HasSuffix(f, ".svg") || !strings.HasPrefix(filepath.Base(f), "heatmap_") {
				continue
			}
			maps++
			svg, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if says := strings.Contains(string(svg), ", "+LiveOnlyTitle+"</text>"); says != live {
				t.Errorf("live only %v: %s says %q: %v", live, filepath.Base(f), LiveOnlyTitle, says)
			}
		}
		if maps == 0 {
			t.Fatalf("no heatmap drawn")
		}
	}
}

// analyseBundle runs the bundle at path as session "g" with opt.
func analyseBundle(t *testing.T, path string, opt Options) (*Run, *track.Summary) {
	t.Helper()
	b, err := decode.OpenBundle(path)
	if err != nil {
		t.Fatal(err)
	}
	r, err := Open(b, "g", opt)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := r.Do(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return r, sum
}

// A long team name with --live-only and --fold made a heatmap's title wider
// than its image, and the clipped end was the fold label: the labels are
// chart.Options.TitleLabels, kept whole while the name is shortened.
func TestRenderImagesLongNameKeepsLabels(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	opt := options(out)
	opt.LiveOnly = true
	r, sum := analyseBundle(t, smallBundle(t, dir), opt)
	sum.Teams[0].Name = strings.Repeat("Bishop Gorman High School Gaels ", 3)
	imgs := filepath.Join(out, "images")
	if _, err := RenderImages(imgs, sum, r.Shots(), r.ShotsLeftOut(), r.Template(), DefaultCell_m, true, false); err != nil {
		t.Fatal(err)
	}
	svg, err := os.ReadFile(filepath.Join(imgs, export.HeatmapImage(heatmap.ScopeTeam, sum.Teams[0].TeamID)+".svg"))
	if err != nil {
		t.Fatal(err)
	}
	want := "..., " + LiveOnlyTitle + ", folded: offence right, defence left</text>"
	if !strings.Contains(string(svg), want) {
		t.Errorf("team heatmap's title does not end %q:\n%s", want, svg[:min(len(svg), 800)])
	}
}

// TestShotChartsBounded: a feed of more shots than MaxChartShots (a
// broken or hostile one) keeps only the first MaxChartShots for the
// charts, which say so in their titles, with a warning; the shots table
// has them all. With NoShotCharts (analyze --images=false) none is kept.
func TestShotChartsBounded(t *testing.T) {
	const extra = MaxChartShots + 7
	path := smallBundle(t, t.TempDir())
	rec := filepath.Join(path, decode.BundleMessages)
	data, err := os.ReadFile(rec)
	if err != nil {
		t.Fatal(err)
	}
	var first struct {
		Data struct {
			OccurredAt int64 `json:"occurred_at"`
		} `json:"data"`
	}
	if err := json.Unmarshal(data[:bytes.IndexByte(data, '\n')], &first); err != nil {
		t.Fatal(err)
	}
	own := int64(bytes.Count(data, []byte(`"type":"shot"`)))
	var b bytes.Buffer
	b.Write(data)
	for k := range extra {
		fmt.Fprintf(&b, `{"type":"shot","data":{"occurred_at":%d,"team_id":1,"player_id":2,"is_make":false,"is_3point":false,"zone":3,"hoop_player_x":%d,"hoop_player_y":%d,"status":"RECORDED"}}`+"\n",
			first.Data.OccurredAt+int64(k%5000), k%7000, k/7000*100)
	}
	if err := os.WriteFile(rec, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	total := own + extra

	out := filepath.Join(t.TempDir(), "out")
	r, sum := analyseBundle(t, path, options(out))
	if n, left := len(r.Shots()), r.ShotsLeftOut(); n != MaxChartShots || int64(n)+left != total {
		t.Errorf("shots kept for the charts %d, left out %d; want %d and %d", n, left, MaxChartShots, total-MaxChartShots)
	}
	if n := r.Writer().Rows(export.TableShots); n != total {
		t.Errorf("shots table: %d rows, want every shot, %d", n, total)
	}
	want := fmt.Sprintf("the shot charts draw the first %d shots only, of %d", MaxChartShots, total)
	if ws := strings.Join(r.Warnings(), "\n"); !strings.Contains(ws, want) {
		t.Errorf("warnings %q, want one saying %q", ws, want)
	}
	imgs := filepath.Join(out, "images")
	if _, err := RenderImages(imgs, sum, r.Shots(), r.ShotsLeftOut(), r.Template(), DefaultCell_m, false, false); err != nil {
		t.Fatal(err)
	}
	svg, err := os.ReadFile(filepath.Join(imgs, export.AllShotsImage+".svg"))
	if err != nil {
		t.Fatal(err)
	}
	if title := fmt.Sprintf("the first %d of %d shots", MaxChartShots, total); !bytes.Contains(svg, []byte(title)) {
		t.Errorf("%s.svg does not say %q", export.AllShotsImage, title)
	}

	opt := options(filepath.Join(t.TempDir(), "out"))
	opt.NoShotCharts = true
	r, _ = analyseBundle(t, path, opt)
	if n, left := len(r.Shots()), r.ShotsLeftOut(); n != 0 || left != 0 {
		t.Errorf("NoShotCharts: %d shots kept for the charts, %d left out; want none", n, left)
	}
	if n := r.Writer().Rows(export.TableShots); n != total {
		t.Errorf("NoShotCharts: shots table: %d rows, want every shot, %d", n, total)
	}
}
