package pipeline

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/export"
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
		files, err := RenderImages(export.ImageDir(out, "g/1", hive), sum, shots, r.Template(), DefaultCell_m, false, false)
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
