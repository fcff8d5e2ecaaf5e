package pipeline

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/export"
	"github.com/stmotion/stmotion/track"
)

// seedCourt is the seed's example /court body: no court (0..6 mm).
const seedCourt = `{"xne":0,"yne":0,"xse":2,"yse":2,"xsw":4,"ysw":4,"xnw":6,"ynw":6,"hoops":[{"x":0,"y":0,"z":13},{"x":10,"y":10,"z":23}]}`

// A bundle whose own court.json is not valid (as the API served it) failed
// its analysis, while stmotion live had run the session in the sensor
// frame; and a court given for it (analyze --court) could not replace it.
// It is analysed in the sensor frame, with a warning and limits no_court,
// as live ran it; a court given replaces it, or a valid one, with a
// warning that says which was replaced and whether it was valid.
func TestOwnCourtNotValid(t *testing.T) {
	dir := t.TempDir()
	good := smallBundle(t, dir)
	ownCourt, err := os.ReadFile(filepath.Join(good, decode.BundleCourt))
	if err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad")
	if err := os.CopyFS(bad, os.DirFS(good)); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bad, decode.BundleCourt), []byte(seedCourt), 0o644); err != nil {
		t.Fatal(err)
	}
	given := filepath.Join(dir, "venue.json")
	if err := os.WriteFile(given, ownCourt, 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(path string, court []byte) (*Run, *track.Summary) {
		t.Helper()
		b, err := decode.OpenBundle(path)
		if err != nil {
			t.Fatal(err)
		}
		b.ReplaceCourt(given, court)
		r, err := OpenEngine(b, "g", Options{}, &segmentSink{})
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		sum, err := r.Do(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return r, sum
	}
	hasWarning := func(r *Run, part string) bool {
		return slices.ContainsFunc(r.Warnings(), func(w string) bool { return strings.Contains(w, part) })
	}

	r, sum := run(bad, nil)
	if !sum.Quality.NoCourt || !slices.Equal(export.Limits(sum), []string{export.LimitNoCourt}) {
		t.Errorf("own court not valid: no_court %v, limits %q; want the sensor frame, limits no_court", sum.Quality.NoCourt, export.Limits(sum))
	}
	checkWarned(t, r, filepath.Join(bad, decode.BundleCourt)+": court: size check failed: ",
		"the court is not used: positions stay in the sensor frame", "limits: no_court", "give a valid one with analyze --court FILE, which replaces it")

	r, sum = run(bad, ownCourt)
	if sum.Quality.NoCourt || len(export.Limits(sum)) != 0 {
		t.Errorf("own court not valid, a valid one given: no_court %v, limits %q", sum.Quality.NoCourt, export.Limits(sum))
	}
	checkWarned(t, r, filepath.Join(bad, decode.BundleCourt)+": not used: the court given for every input (analyze --court "+given+") replaces it",
		"(it is not a valid court either: court: size check failed")

	// A valid court.json is replaced too (the venue's right court for a
	// bundle recorded with another's), with a warning; by the same bytes,
	// silently.
	other := filepath.Join(dir, "other.json")
	if err := os.WriteFile(other, ownCourt, 0o644); err != nil {
		t.Fatal(err)
	}
	shiftCourt(t, other, 2000, 0)
	moved, err := os.ReadFile(other)
	if err != nil {
		t.Fatal(err)
	}
	given = other
	r, _ = run(good, moved)
	checkWarned(t, r, filepath.Join(good, decode.BundleCourt)+": not used: the court given for every input (analyze --court "+other+") replaces it (it is a valid court)")
	r, _ = run(good, ownCourt)
	if hasWarning(r, "not used") {
		t.Errorf("the bundle's own court given: warnings %q", r.Warnings())
	}
}
