package live_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stmotion/stmotion/decode"
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
		res, err := live.Join(context.Background(), live.SessionConfig{Client: c, LiveID: srv.LiveID(), NoFollow: true, AllowMirrored: allow})
		if err != nil || len(res) != 1 || res[0].Summary == nil {
			t.Fatalf("allow %v: Join: %v (results %+v)", allow, err, res)
		}
		if q := res[0].Summary.Quality; q.NoCourt == allow || q.Locations == 0 {
			t.Errorf("allow %v: no_court %v with %d locations, want no_court %v", allow, q.NoCourt, q.Locations, !allow)
		}
	}
}
