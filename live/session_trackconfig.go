package live

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/stmotion/stmotion/export"
	"github.com/stmotion/stmotion/track"
)

// TrackConfigFile is the file, in a bundle's tables/ directory beside the
// parts, that holds the engine settings (track.Config, as JSON) the table
// parts were made with. The part sink writes it when it opens a part and
// it is missing; a re-join compares it with its own settings
// (checkTrackConfig), as the rows of the earlier parts are matched by
// count.
const TrackConfigFile = "track_config.json"

// ErrTrackConfig is what a *TrackConfigError unwraps to.
var ErrTrackConfig = errors.New("live: the bundle's table parts were made with other engine settings")

// TrackConfigError refuses a re-join whose engine settings differ from
// those the bundle's table parts were made with: the rows the replay
// makes would not be those the parts hold, and counting them off would
// drop and mix rows (a part at 25 Hz, the next at 10 Hz, a block of the
// game in neither). Join returns it before anything is fetched or
// written.
type TrackConfigError struct {
	Dir   string // the bundle's tables directory
	Diffs []TrackConfigDiff
}

// TrackConfigDiff is one setting that differs: its track.Config field
// (KinConfig fields as Player.X, Ball.X) and its value, as JSON, in the
// bundle and in this join.
type TrackConfigDiff struct {
	Field, Recorded, Now string
}

func (e *TrackConfigError) Error() string {
	var d []string
	for _, x := range e.Diffs {
		d = append(d, fmt.Sprintf("%s %s there, %s here", x.Field, x.Recorded, x.Now))
	}
	return fmt.Sprintf("live: the table parts in %s were made with other engine settings (%s; recorded in %s): "+
		"a re-join matches their rows by count, and would lose and mix rows; join again with their settings, or into another output directory",
		e.Dir, strings.Join(d, "; "), TrackConfigFile)
}

func (e *TrackConfigError) Unwrap() error { return ErrTrackConfig }

// checkTrackConfig compares cfg with the settings recorded in the tables
// directory dir: a *TrackConfigError when one differs (fields one of the
// two does not know, from another stmotion release, are not compared).
// unrecorded says that dir has parts but no settings: an stmotion
// before TrackConfigFile wrote them.
func checkTrackConfig(dir string, cfg track.Config) (unrecorded bool, err error) {
	data, err := os.ReadFile(filepath.Join(dir, TrackConfigFile))
	if errors.Is(err, fs.ErrNotExist) {
		n, err := lastSeq(dir, "part-", "")
		if err != nil {
			return false, fmt.Errorf("live: table parts: %w", err)
		}
		return n > 0, nil
	}
	if err != nil {
		return false, fmt.Errorf("live: table parts: %w", err)
	}
	var recorded map[string]any
	if err := json.Unmarshal(data, &recorded); err != nil {
		return false, fmt.Errorf("live: table parts: %s: %w", filepath.Join(dir, TrackConfigFile), err)
	}
	now, err := trackConfigJSON(cfg)
	if err != nil {
		return false, err
	}
	var current map[string]any
	if err := json.Unmarshal(now, &current); err != nil {
		return false, fmt.Errorf("live: engine settings: %w", err)
	}
	r, c := map[string]string{}, map[string]string{}
	flatten("", recorded, r)
	flatten("", current, c)
	var diffs []TrackConfigDiff
	for _, k := range slices.Sorted(maps.Keys(r)) {
		if v, ok := c[k]; ok && v != r[k] {
			diffs = append(diffs, TrackConfigDiff{Field: k, Recorded: r[k], Now: v})
		}
	}
	if len(diffs) > 0 {
		return false, &TrackConfigError{Dir: dir, Diffs: diffs}
	}
	return false, nil
}

// flatten puts each leaf of v in out under its dotted path.
func flatten(path string, v any, out map[string]string) {
	if m, ok := v.(map[string]any); ok {
		for k, x := range m {
			if path != "" {
				k = path + "." + k
			}
			flatten(k, x, out)
		}
		return
	}
	b, _ := json.Marshal(v)
	out[path] = string(b)
}

// trackConfigJSON is cfg as TrackConfigFile holds it.
func trackConfigJSON(cfg track.Config) ([]byte, error) {
	b, err := json.MarshalIndent(cfg, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("live: engine settings: %w", err)
	}
	return append(b, '\n'), nil
}

// writeTrackConfig writes data to dir's TrackConfigFile unless it is
// there (by rename: a reader never sees half of it).
func writeTrackConfig(dir string, data []byte) error {
	path := filepath.Join(dir, TrackConfigFile)
	if _, err := os.Stat(path); err == nil {
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("live: table parts: %w", err)
	}
	if err := export.WriteFileAtomic(path, data, false); err != nil {
		return fmt.Errorf("live: table parts: %w", err)
	}
	return nil
}
