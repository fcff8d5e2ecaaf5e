package live_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/export"
	"github.com/stmotion/stmotion/live"
	"github.com/stmotion/stmotion/live/mock"
)

// A court whose corners run counterclockwise (north and south swapped) is
// not used by default: the session goes on in the sensor frame and says so
// (Quality.NoCourt). With AllowMirrored it is used, mirrored.
func TestJoinMirroredCourt(t *testing.T) {
	dir := t.TempDir()
	if err := mock.WriteTinyBundle(dir); err != nil {
		t.Fatal(err)
	}
	mirrored := `{"xne":14325,"yne":-7620,"xse":14325,"yse":7620,"xsw":-14325,"ysw":7620,"xnw":-14325,"ynw":-7620,"hoops":[{"x":-12750,"y":0,"z":3048},{"x":12750,"y":0,"z":3048}]}`
	if err := os.WriteFile(filepath.Join(dir, decode.BundleCourt), []byte(mirrored), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, allow := range []bool{false, true} {
		srv, c := liveMock(t, dir, mock.Options{})
		var logs syncBuffer
		res, err := live.Join(context.Background(), live.SessionConfig{Client: c, LiveID: srv.LiveID(), NoFollow: true, AllowMirrored: allow,
			AllowMirroredName: "--allow-mirrored", Logger: slog.New(slog.NewTextHandler(&logs, nil))})
		if err != nil || len(res) != 1 || res[0].Summary == nil {
			t.Fatalf("allow %v: Join: %v (results %+v)", allow, err, res)
		}
		if q := res[0].Summary.Quality; q.NoCourt == allow || q.Locations == 0 {
			t.Errorf("allow %v: no_court %v with %d locations, want no_court %v", allow, q.NoCourt, q.Locations, !allow)
		}
		// The warning names the setting as the user knows it (a flag
		// for stmotion live), not court's Options.AllowMirrored.
		if l := logs.String(); !allow && (!strings.Contains(l, "--allow-mirrored accepts it") || strings.Contains(l, "Options.")) {
			t.Errorf("the mirrored court's warning does not name --allow-mirrored:\n%s", l)
		}
	}
}

// SessionConfig.Court stands in for the court the API does not serve (GET
// court fails): the session runs in the court frame and records it in the
// bundle. Without it the session stays in the sensor frame.
func TestJoinCourtFallback(t *testing.T) {
	dir := t.TempDir()
	if err := mock.WriteTinyBundle(dir); err != nil {
		t.Fatal(err)
	}
	body, err := decode.ReadCourt(filepath.Join(dir, decode.BundleCourt))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, decode.BundleCourt)); err != nil {
		t.Fatal(err)
	}
	for _, given := range [][]byte{nil, body} {
		srv, c := liveMock(t, dir, mock.Options{})
		res, err := live.Join(context.Background(), live.SessionConfig{Client: c, LiveID: srv.LiveID(), NoFollow: true, Out: t.TempDir(), Court: given})
		if err != nil || len(res) != 1 || res[0].Summary == nil {
			t.Fatalf("court given %v: Join: %v (results %+v)", given != nil, err, res)
		}
		if q := res[0].Summary.Quality; q.NoCourt != (given == nil) || q.Locations == 0 {
			t.Errorf("court given %v: no_court %v with %d locations", given != nil, q.NoCourt, q.Locations)
		}
		recorded, err := os.ReadFile(filepath.Join(res[0].Dir, decode.BundleCourt))
		if given == nil && err == nil || given != nil && (err != nil || !json.Valid(recorded) || !bytes.Contains(recorded, []byte(`"xne"`))) {
			t.Errorf("court given %v: the bundle's court.json: %q, %v", given != nil, recorded, err)
		}
	}
}

// A court the API serves that does not belong to the feed (a valid court
// 45 m away: another court of the facility) puts every sample off it:
// the session's summary says so (limits off_court), as analyze's does.
func TestJoinCourtOffTheFeed(t *testing.T) {
	dir := t.TempDir()
	if err := mock.WriteTinyBundle(dir); err != nil {
		t.Fatal(err)
	}
	other := `{"xne":59325,"yne":7620,"xse":59325,"yse":-7620,"xsw":30675,"ysw":-7620,"xnw":30675,"ynw":7620,"hoops":[{"x":32250,"y":0,"z":3048},{"x":57750,"y":0,"z":3048}]}`
	if err := os.WriteFile(filepath.Join(dir, decode.BundleCourt), []byte(other), 0o644); err != nil {
		t.Fatal(err)
	}
	srv, c := liveMock(t, dir, mock.Options{})
	res, err := live.Join(context.Background(), live.SessionConfig{Client: c, LiveID: srv.LiveID(), NoFollow: true})
	if err != nil || len(res) != 1 || res[0].Summary == nil {
		t.Fatalf("Join: %v (results %+v)", err, res)
	}
	if l := export.Limits(res[0].Summary); !slices.Contains(l, export.LimitOffCourt) || res[0].Summary.Quality.NoCourt {
		t.Errorf("limits %q, no_court %v (in bounds %+v): want off_court", l, res[0].Summary.Quality.NoCourt, res[0].Summary.InBounds)
	}
}

// The API serves a court that is not valid (the seed's example body): the
// court given (SessionConfig.Court, live --court) was used only when GET
// court failed, so the session ran in the sensor frame without a word of
// it. It replaces the API's, and the bundle records what the session used
// as court.json, the API's body as court_api.json. Without one given, the
// session stays in the sensor frame and court.json is the API's body,
// which analyze of the bundle treats the same way.
func TestJoinCourtNotValidReplaced(t *testing.T) {
	dir := t.TempDir()
	if err := mock.WriteTinyBundle(dir); err != nil {
		t.Fatal(err)
	}
	venue, err := decode.ReadCourt(filepath.Join(dir, decode.BundleCourt))
	if err != nil {
		t.Fatal(err)
	}
	const seed = `{"xne":0,"yne":0,"xse":2,"yse":2,"xsw":4,"ysw":4,"xnw":6,"ynw":6,"hoops":[{"x":0,"y":0,"z":13},{"x":10,"y":10,"z":23}]}`
	if err := os.WriteFile(filepath.Join(dir, decode.BundleCourt), []byte(seed), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, given := range [][]byte{nil, venue} {
		srv, c := liveMock(t, dir, mock.Options{})
		var logs syncBuffer
		res, err := live.Join(context.Background(), live.SessionConfig{Client: c, LiveID: srv.LiveID(), NoFollow: true, Out: t.TempDir(), Court: given,
			Logger: slog.New(slog.NewTextHandler(&logs, nil))})
		if err != nil || len(res) != 1 || res[0].Summary == nil {
			t.Fatalf("court given %v: Join: %v (results %+v)", given != nil, err, res)
		}
		if q := res[0].Summary.Quality; q.NoCourt != (given == nil) || q.Locations == 0 {
			t.Errorf("court given %v: no_court %v with %d locations", given != nil, q.NoCourt, q.Locations)
		}
		recorded, err := os.ReadFile(filepath.Join(res[0].Dir, decode.BundleCourt))
		api, apiErr := os.ReadFile(filepath.Join(res[0].Dir, decode.BundleCourtAPI))
		recorded, api = compactJSON(recorded), compactJSON(api)
		l := logs.String()
		if given == nil {
			if err != nil || !json.Valid(recorded) || !bytes.Contains(recorded, []byte(`"xse":2`)) || apiErr == nil {
				t.Errorf("no court given: court.json %q (%v), court_api.json %q: want the API's body as court.json, and no court_api.json", recorded, err, api)
			}
			if !strings.Contains(l, "court is not usable: positions stay in the sensor frame") {
				t.Errorf("no court given: logs lack the sensor frame warning:\n%s", l)
			}
			continue
		}
		if err != nil || !bytes.Contains(recorded, []byte(`"xne":14325`)) || apiErr != nil || !bytes.Contains(api, []byte(`"xse":2`)) {
			t.Errorf("court given: court.json %q (%v), court_api.json %q (%v): want the one given, and the API's kept", recorded, err, api, apiErr)
		}
		if !strings.Contains(l, "the API's court is not usable: using the one given (--court) instead") || !strings.Contains(l, "size check failed") {
			t.Errorf("court given: logs lack the replacement warning:\n%s", l)
		}
	}
}

// compactJSON is data without insignificant space (as it is when not
// JSON).
func compactJSON(data []byte) []byte {
	var b bytes.Buffer
	if json.Compact(&b, data) != nil {
		return data
	}
	return b.Bytes()
}
