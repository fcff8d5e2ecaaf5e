package version

import (
	"regexp"
	"runtime/debug"
	"testing"
)

func TestFromBuildInfo(t *testing.T) {
	f := func(name string, bi *debug.BuildInfo, want Info) {
		t.Helper()
		if got := FromBuildInfo(bi, bi != nil); got != want {
			t.Errorf("%s: got %+v, want %+v", name, got, want)
		}
	}
	vcs := []debug.BuildSetting{{Key: "-compiler", Value: "gc"}, {Key: "vcs", Value: "git"},
		{Key: "vcs.revision", Value: "67d03aa7b26f5b3ac366b20abed63bd809933fce"},
		{Key: "vcs.time", Value: "2026-11-28T00:03:36Z"}, {Key: "vcs.modified", Value: "true"}}
	f("go build in a checkout", &debug.BuildInfo{Main: debug.Module{Path: Module, Version: "v0.0.0-20261128000336-67d03aa7b26f+dirty"}, Settings: vcs},
		Info{Version: "v0.0.0-20261128000336-67d03aa7b26f+dirty", Revision: "67d03aa7b26f5b3ac366b20abed63bd809933fce", Time: "2026-11-28T00:03:36Z", Modified: true})
	f("go install @v1.2.0", &debug.BuildInfo{Main: debug.Module{Path: Module, Version: "v1.2.0"}}, Info{Version: "v1.2.0"})
	f("go test", &debug.BuildInfo{Main: debug.Module{Path: Module, Version: Devel}}, Info{Version: Devel})
	f("no main version", &debug.BuildInfo{Main: debug.Module{Path: Module}}, Info{Version: Devel})
	// A program importing stmotion: its dependency's version, not the
	// program's, nor the program's VCS settings.
	f("dependency", &debug.BuildInfo{Main: debug.Module{Path: "example.com/app", Version: "v3.0.0"}, Settings: vcs,
		Deps: []*debug.Module{{Path: "golang.org/x/sys", Version: "v0.1.0"}, {Path: Module, Version: "v1.1.0"}}}, Info{Version: "v1.1.0"})
	f("dependency replaced by a directory", &debug.BuildInfo{Main: debug.Module{Path: "example.com/app"},
		Deps: []*debug.Module{{Path: Module, Version: "v1.1.0", Replace: &debug.Module{Path: "../stmotion"}}}}, Info{Version: Devel})
	f("not linked", &debug.BuildInfo{Main: debug.Module{Path: "example.com/app"}}, Info{Version: "(unknown)"})
	f("no build information", nil, Info{Version: "(unknown)"})
}

func TestStrings(t *testing.T) {
	full := Info{Version: "v0.0.0-20261128000336-67d03aa7b26f+dirty", Revision: "67d03aa7b26f5b3ac366b20abed63bd809933fce", Time: "2026-11-28T00:03:36Z", Modified: true}
	devel := Info{Version: Devel, Revision: "67d03aa7b26f5b3ac366b20abed63bd809933fce", Time: "2026-11-28T00:03:36Z"}
	for _, c := range []struct {
		in                  Info
		str, createdBy, ver string // ver: the version parquet-mr parses from createdBy
	}{
		{Info{Version: "v1.2.0"}, "v1.2.0", "stmotion version v1.2.0", "v1.2.0"},
		{Info{Version: Devel}, "(devel)", "stmotion version devel", "devel"},
		{full, "v0.0.0-20261128000336-67d03aa7b26f+dirty (revision 67d03aa7b26f5b3ac366b20abed63bd809933fce, 2026-11-28T00:03:36Z, modified)",
			"stmotion version v0.0.0-20261128000336-67d03aa7b26f+dirty (build 67d03aa7b26f5b3ac366b20abed63bd809933fce)", "v0.0.0-20261128000336-67d03aa7b26f+dirty"},
		{devel, "(devel) (revision 67d03aa7b26f5b3ac366b20abed63bd809933fce, 2026-11-28T00:03:36Z)",
			"stmotion version devel (build 67d03aa7b26f5b3ac366b20abed63bd809933fce)", "devel"},
	} {
		if got := c.in.String(); got != c.str {
			t.Errorf("%+v String: %q, want %q", c.in, got, c.str)
		}
		got := c.in.CreatedBy()
		if got != c.createdBy {
			t.Errorf("%+v CreatedBy: %q, want %q", c.in, got, c.createdBy)
		}
		// What Spark reads it with (parquet-mr's VersionParser): a
		// created_by it cannot parse makes it ignore string statistics.
		m := parquetMR.FindStringSubmatch(got)
		if m == nil || m[1] != "stmotion" || m[2] != c.ver || m[3] != c.in.Revision {
			t.Errorf("CreatedBy %q: parquet-mr parses %q, want application stmotion, version %q, build %q", got, m, c.ver, c.in.Revision)
		}
	}
}

// parquetMR is parquet-mr's VersionParser.PATTERN (matched whole).
var parquetMR = regexp.MustCompile(`^(.*?)\s+version\s*(?:([^(]*?)\s*(?:\(\s*build\s*([^)]*?)\s*\))?)?$`)

// A test binary is built from the checkout, and go test stamps no VCS
// information (unless -buildvcs=true): the version every test's outputs
// carry is Devel, whatever the commit.
func TestGetInTests(t *testing.T) {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		t.Fatal("no build information in the test binary")
	}
	for _, s := range bi.Settings {
		if s.Key == "vcs.revision" {
			t.Skipf("built with -buildvcs=true: %s", Get())
		}
	}
	if got := Get(); got != (Info{Version: Devel}) {
		t.Errorf("Get in a test binary: %+v, want Version %q and no revision", got, Devel)
	}
}
