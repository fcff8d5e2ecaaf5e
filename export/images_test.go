package export

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/stmotion/stmotion/track/heatmap"
)

// IsImage takes every name HeatmapImage, AllShotsImage and ShotsImage
// give, with every one of ImageExts, and nothing else.
func TestImageNames(t *testing.T) {
	var names []string
	for _, id := range []int64{0, 7, -3, 1 << 40} {
		for _, s := range []heatmap.Scope{heatmap.ScopePlayer, heatmap.ScopeTeam, heatmap.ScopeBall} {
			names = append(names, HeatmapImage(s, id))
		}
		names = append(names, ShotsImage(id))
	}
	names = append(names, AllShotsImage)
	for _, n := range names {
		for _, ext := range ImageExts() {
			if !IsImage(n + "." + ext) {
				t.Errorf("IsImage(%q) = false, want true", n+"."+ext)
			}
		}
	}
	for _, n := range []string{
		"heatmap_player_7", "heatmap_player_7.jpg", "heatmap_coach_7.png", "heatmap_player_.png",
		"heatmap_player_7.png.tmp-1", ".heatmap_player_7.png.tmp-1", "shots_all.PNG", "shots_team_x.svg",
		"my_heatmap_team_1.png", "x.png", "samples.parquet", "",
	} {
		if IsImage(n) {
			t.Errorf("IsImage(%q) = true, want false", n)
		}
	}
}

// A session id from the input cannot place files outside the directory,
// and names its images' directory as it names the tables' partitions,
// with one '=' (readers split the name there).
func TestImageDirEscapes(t *testing.T) {
	if got, want := ImageDir("out", "g1", false), filepath.Join("out", "images"); got != want {
		t.Errorf("ImageDir(out, g1, one session) = %s, want %s", got, want)
	}
	for _, id := range []string{"../../etc", "a/b", "..", "a=b"} {
		d := ImageDir("out", id, true)
		if filepath.Dir(d) != filepath.Join("out", "images") {
			t.Errorf("ImageDir(%q) = %s, outside out/images", id, d)
		}
		part := filepath.Base(filepath.Dir(TablePath("out", TableSamples, id, FormatParquet, true)))
		if base := filepath.Base(d); base != part || strings.Count(base, "=") != 1 {
			t.Errorf("ImageDir(%q) = %s, the tables' partition %s; want the same name, with one '='", id, d, part)
		}
	}
}

// ListImages lists the images and nothing else; RemoveImageFile on each
// leaves a user's files and the directories holding them, and removes
// the directories it empties.
func TestListImages(t *testing.T) {
	if files, err := ListImages(filepath.Join(t.TempDir(), "missing")); err != nil || len(files) != 0 {
		t.Errorf("a missing directory: %v, %v", files, err)
	}
	dir := t.TempDir()
	touch(t, dir,
		"images/heatmap_team_1.png", "images/shots_all.svg", "images/notes.txt",
		"images/session_id=a%2Fb/heatmap_ball_-1.png", "images/session_id=a%2Fb/.shots_all.png.tmp-3",
		"images/session_id=g2/shots_team_4.svg", "images/session_id=g2/mine.png",
		"images/session_id=g3/shots_all.png", "images/other/shots_all.png",
		"samples/session_id=g2/part-0.parquet", "heatmap_team_1.png")
	files, err := ListImages(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range files {
		rel, _ := filepath.Rel(dir, f.Path)
		got = append(got, fmt.Sprintf("%s %q %v", filepath.ToSlash(rel), f.SessionID, f.Hive))
	}
	want := []string{
		`images/heatmap_team_1.png "" false`,
		`images/session_id=a%2Fb/heatmap_ball_-1.png "a/b" true`,
		`images/session_id=g2/shots_team_4.svg "g2" true`,
		`images/session_id=g3/shots_all.png "g3" true`,
		`images/shots_all.svg "" false`,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ListImages:\n got %q\nwant %q", got, want)
	}
	for _, f := range files {
		if err := RemoveImageFile(f); err != nil {
			t.Fatal(err)
		}
	}
	if err := RemoveImageFile(files[0]); err != nil {
		t.Errorf("removing an image already gone: %v", err)
	}
	if files := mustListImages(t, dir); len(files) != 0 {
		t.Errorf("after RemoveImageFile: %v", files)
	}
	for _, p := range []string{
		"images/notes.txt", "images/session_id=a%2Fb/.shots_all.png.tmp-3", "images/session_id=g2/mine.png",
		"images/other/shots_all.png", "samples/session_id=g2/part-0.parquet", "heatmap_team_1.png",
	} {
		if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
			t.Errorf("removing the images removed %s", p)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "images/session_id=g3")); err == nil {
		t.Error("images/session_id=g3 left, empty")
	}

	// The last image gone, images/ goes too.
	one := t.TempDir()
	touch(t, one, "images/session_id=g1/shots_all.png")
	for _, f := range mustListImages(t, one) {
		if err := RemoveImageFile(f); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := os.Stat(filepath.Join(one, "images")); err == nil {
		t.Error("images/ left, empty")
	}
}

// mustListImages is ListImages, or the test fails.
func mustListImages(t *testing.T, dir string) []ImageFile {
	t.Helper()
	files, err := ListImages(dir)
	if err != nil {
		t.Fatal(err)
	}
	return files
}
