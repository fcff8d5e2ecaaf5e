package live_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stmotion/stmotion/court"
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

// SessionConfig.CourtTemplate names the court's template: the session
// runs on it, records it in the bundle's court.json (so that analyze of
// the bundle does too) and summary.json says so. Without it an NBA-sized
// court is taken for NBA, with a warning naming the other templates of
// its size; a template the court does not fit fails the join, as does a
// re-join on another template than the bundle's table parts were made on.
func TestJoinCourtTemplate(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	join := func(out, template string) ([]live.SessionResult, string, error) {
		t.Helper()
		srv, c := liveMock(t, "", mock.Options{})
		var logs syncBuffer
		res, err := live.Join(ctx, live.SessionConfig{Client: c, LiveID: srv.LiveID(), NoFollow: true, Out: out, CourtTemplate: template,
			Logger: slog.New(slog.NewTextHandler(&logs, nil))})
		return res, logs.String(), err
	}
	summaryCourt := func(dir string) *export.CourtSummary {
		t.Helper()
		var sum export.SessionSummary
		data, err := os.ReadFile(filepath.Join(dir, export.SummaryFile))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(data, &sum); err != nil || sum.Court == nil {
			t.Fatalf("summary.json: court %v, %v", sum.Court, err)
		}
		return sum.Court
	}

	out := t.TempDir()
	res, logs, err := join(out, "")
	if err != nil || len(res) != 1 {
		t.Fatalf("by size: Join: %v", err)
	}
	dir := res[0].Dir
	if n := strings.Count(logs, "also that of the wnba, ncaa, hs94 courts"); n != 1 || !strings.Contains(logs, "--court-template") {
		t.Errorf("by size: %d warnings that the size fits other templates, want 1:\n%s", n, logs)
	}
	if c := summaryCourt(dir); c.Template != "nba" || c.TemplateFrom != court.FromSize || c.Source != export.CourtFromAPI || len(c.Alternatives) != 3 {
		t.Errorf("by size: summary.json court %+v", *c)
	}
	apiBody, err := os.ReadFile(filepath.Join(dir, decode.BundleCourt))
	if err != nil || bytes.Contains(apiBody, []byte("template")) {
		t.Errorf("by size: the bundle's court.json %s (%v): want the API's body, no template", apiBody, err)
	}

	// A re-join on another template: refused, the bundle left as it was.
	if _, _, err := join(out, "ncaa"); !errors.Is(err, live.ErrCourtTemplate) {
		t.Errorf("re-join with ncaa on nba parts: %v, want ErrCourtTemplate", err)
	} else if e := (*live.CourtTemplateError)(nil); !errors.As(err, &e) || e.Recorded != "nba" || e.Now != "ncaa" || e.Err != nil {
		t.Errorf("re-join with ncaa on nba parts: %#v", err)
	}
	if now, _ := os.ReadFile(filepath.Join(dir, decode.BundleCourt)); !bytes.Equal(now, apiBody) {
		t.Errorf("the refused re-join wrote court.json over: %s", now)
	}
	// ... and on the same one (named now), it goes on.
	if _, _, err := join(out, "nba"); err != nil {
		t.Errorf("re-join naming nba on nba parts: %v", err)
	}

	out = t.TempDir()
	res, logs, err = join(out, "ncaa")
	if err != nil || len(res) != 1 {
		t.Fatalf("ncaa: Join: %v", err)
	}
	if strings.Contains(logs, "also that of") || !strings.Contains(logs, "live: court: ncaa court 28.65 × 15.24 m") {
		t.Errorf("ncaa: logs:\n%s", logs)
	}
	if c := summaryCourt(res[0].Dir); c.Template != "ncaa" || c.TemplateFrom != court.FromOption || c.Alternatives != nil {
		t.Errorf("ncaa: summary.json court %+v", *c)
	}
	recorded, err := os.ReadFile(filepath.Join(res[0].Dir, decode.BundleCourt))
	if err != nil {
		t.Fatal(err)
	}
	if c, err := court.Parse(recorded, court.Options{}); err != nil || c.Template.Name != "ncaa" || c.TemplateFrom != court.FromBody {
		t.Errorf("ncaa: the bundle's court.json %s gives %v, %v; want ncaa by its template", recorded, c, err)
	}

	// A template the court's size does not fit fails the join.
	_, _, err = join(t.TempDir(), "fiba")
	var e *live.CourtTemplateError
	if !errors.As(err, &e) || !errors.Is(err, court.ErrTemplate) || e.Named != "fiba" || !strings.Contains(err.Error(), "the fiba template (as named) is 28.00 × 15.00 m") {
		t.Errorf("fiba on an NBA court: %v, want a *CourtTemplateError with the template check", err)
	}
}

// The warning that the court's template was chosen by size among
// several comes once per Join, not once per live id it follows; every
// live id's court is logged.
func TestJoinCourtTemplateWarnedOnce(t *testing.T) {
	srv, c := liveMock(t, tinyHalves(t), mock.Options{Speed: 2})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var logs syncBuffer
	res, err := live.Join(ctx, live.SessionConfig{Client: c, WSURL: srv.WSURL(), LiveID: srv.LiveID(), Out: t.TempDir(),
		MinBackoff: 20 * time.Millisecond, MaxBackoff: 50 * time.Millisecond, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil || len(res) != 2 {
		t.Fatalf("Join: %v, %d results; want both halves", err, len(res))
	}
	l := logs.String()
	if n, m := strings.Count(l, "also that of the wnba, ncaa, hs94 courts"), strings.Count(l, "live: court: nba court"); n != 1 || m != 2 {
		t.Errorf("%d warnings of the size's templates (want 1) and %d court lines (want 2, one per live id):\n%s", n, m, l)
	}
}
