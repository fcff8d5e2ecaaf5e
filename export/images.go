package export

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"

	"github.com/stmotion/stmotion/track/heatmap"
)

// The images of a session are named here, beside the tables' names
// (TablePath), so that one place says which files under an output
// directory are stmotion's: ListImages must find exactly what the image
// renderer (pipeline.RenderImages) writes, and nothing a user put there.

// ImagesDir is the directory of the images under an output directory.
const ImagesDir = "images"

// ImageDir is where a session's images go under dir: images/, or in the
// Hive layout images/session_id=<id>/, named as the tables' partitions
// are (PartitionDir: the id escaped, as it comes from the input and must
// not name a path outside dir).
func ImageDir(dir, sessionID string, hive bool) string {
	if hive {
		return filepath.Join(dir, ImagesDir, PartitionDir(sessionID))
	}
	return filepath.Join(dir, ImagesDir)
}

// ImageExts are the extensions of the images, without the dot: each chart
// is written once per format, as PNG and as SVG (chart.ParseFormat reads
// these names).
func ImageExts() []string { return []string{"png", "svg"} }

// HeatmapImage is the file name, without extension, of the heatmap of one
// team, player or ball: heatmap_<scope>_<id>, e.g. heatmap_player_23.
func HeatmapImage(scope heatmap.Scope, id int64) string {
	return fmt.Sprintf("heatmap_%s_%d", scope, id)
}

// AllShotsImage is the file name, without extension, of the shot chart of
// all teams.
const AllShotsImage = "shots_all"

// ShotsImage is the file name, without extension, of the shot chart of
// one team: shots_team_<id>.
func ShotsImage(teamID int64) string { return fmt.Sprintf("shots_team_%d", teamID) }

// imageName matches the names HeatmapImage, AllShotsImage and ShotsImage
// give, with one of ImageExts (TestImageNames checks them against each
// other).
var imageName = regexp.MustCompile(`^(heatmap_(player|team|ball)_-?[0-9]+|shots_all|shots_team_-?[0-9]+)\.(png|svg)$`)

// IsImage reports whether name, a file name without directory, is one of
// the images' names: only those are stmotion's to replace or remove.
func IsImage(name string) bool { return imageName.MatchString(name) }

// ImageFile is an image under an output directory, as ListImages finds it.
type ImageFile struct {
	Path string
	// SessionID is the session of an image under images/session_id=<id>/
	// (from the directory's name); "" for one under images/, whose
	// session only the summary.json beside it names (Outputs.FlatSession).
	SessionID string
	Hive      bool
}

// ListImages lists the images under dir (IsImage), and only those: in
// images/ (one session) and in each images/session_id=<id>/ (several),
// nothing when there is no images/. Other files there, a user's own, are
// not listed.
func ListImages(dir string) ([]ImageFile, error) {
	root := ImageDir(dir, "", false)
	ents, err := os.ReadDir(root)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("export: list images: %w", err)
	}
	var files []ImageFile
	for _, e := range ents {
		if e.Type().IsRegular() && IsImage(e.Name()) {
			files = append(files, ImageFile{Path: filepath.Join(root, e.Name())})
			continue
		}
		id, ok := PartitionSession(e.Name())
		if !ok || !e.IsDir() {
			continue
		}
		sub, err := os.ReadDir(filepath.Join(root, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("export: list images: %w", err)
		}
		for _, f := range sub {
			if f.Type().IsRegular() && IsImage(f.Name()) {
				files = append(files, ImageFile{Path: filepath.Join(root, e.Name(), f.Name()), SessionID: id, Hive: true})
			}
		}
	}
	return files, nil
}

// RemoveImageFile removes f and then, for a session's image, its
// images/session_id=<id>/ directory, and images/, if that left them empty.
// A file already gone is not an error; a directory that still holds
// something stays.
func RemoveImageFile(f ImageFile) error {
	if err := removeFile(f.Path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("export: remove image: %w", err)
	}
	root := filepath.Dir(f.Path)
	if f.Hive {
		os.Remove(root)
		root = filepath.Dir(root)
	}
	os.Remove(root)
	return nil
}
