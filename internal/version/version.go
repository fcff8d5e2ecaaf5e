package version

import (
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
)

// Module is stmotion's module path.
const Module = "github.com/stmotion/stmotion"

// Devel is the version of a build the toolchain stamped none on (go run,
// go test, -buildvcs=false): a checkout's.
const Devel = "(devel)"

// Info is what a binary records of the stmotion it was built from.
type Info struct {
	// Version is the module version: a release ("v1.2.0"), a
	// pseudo-version, or Devel; "(unknown)" in a binary without module
	// information.
	Version string
	// Revision, Time (RFC 3339, UTC) and Modified are the version
	// control's: the commit built, its time, and whether the tree had
	// uncommitted changes. Revision is "" when the toolchain recorded
	// none (go install module@version, go test, -buildvcs=false).
	Revision string
	Time     string
	Modified bool
}

// Get returns the running binary's Info.
func Get() Info { return get() }

var get = sync.OnceValue(func() Info { return FromBuildInfo(debug.ReadBuildInfo()) })

// FromBuildInfo returns the Info of stmotion in bi (ok: bi was read, as
// debug.ReadBuildInfo returns them): the main module's, with its VCS
// settings, when stmotion is the main module, else stmotion's entry among
// the dependencies (a program that imports it), which has no VCS
// settings.
func FromBuildInfo(bi *debug.BuildInfo, ok bool) Info {
	if !ok || bi == nil {
		return Info{Version: "(unknown)"}
	}
	if bi.Main.Path != Module {
		for _, d := range bi.Deps {
			if d.Path != Module {
				continue
			}
			if d.Replace != nil { // a replace by a directory has no version
				d = d.Replace
			}
			if d.Version == "" {
				return Info{Version: Devel}
			}
			return Info{Version: d.Version}
		}
		return Info{Version: "(unknown)"}
	}
	in := Info{Version: bi.Main.Version}
	if in.Version == "" {
		in.Version = Devel
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			in.Revision = s.Value
		case "vcs.time":
			in.Time = s.Value
		case "vcs.modified":
			in.Modified = s.Value == "true"
		}
	}
	return in
}

// String is the version, then the revision when there is one:
//
//	v1.2.0
//	(devel)
//	v0.0.0-20261128000336-67d03aa7b26f+dirty (revision 67d03aa7b26f5b3ac366b20abed63bd809933fce, 2026-11-28T00:03:36Z, modified)
//
// It is summary.json's stmotion_version.
func (in Info) String() string {
	if in.Revision == "" {
		return in.Version
	}
	var b strings.Builder
	b.WriteString(in.Version + " (revision " + in.Revision)
	if in.Time != "" {
		b.WriteString(", " + in.Time)
	}
	if in.Modified {
		b.WriteString(", modified")
	}
	b.WriteString(")")
	return b.String()
}

// CreatedBy is the Parquet files' created_by, in the form
// "<application> version <version> (build <revision>)" that Parquet
// readers parse (parquet-mr's VersionParser, Arrow's ApplicationVersion):
//
//	stmotion version v1.2.0
//	stmotion version devel (build 67d03aa7b26f5b3ac366b20abed63bd809933fce)
//
// A version in parentheses, Devel's, is written without them: parquet-mr
// (Spark's reader) does not parse "version (devel)", nor a bare
// "stmotion", and ignores the binary columns' statistics of a file whose
// created_by it cannot parse (CorruptStatistics), with a warning.
func (in Info) CreatedBy() string {
	v := strings.Trim(in.Version, "()")
	s := "stmotion version " + v
	if in.Revision != "" {
		s += " (build " + in.Revision + ")"
	}
	return s
}

// Line is `stmotion version`'s line: "stmotion", String, and the Go
// version and platform the binary was built with, as `go version` prints
// them:
//
//	stmotion v1.2.0 go1.26.8 linux/amd64
func (in Info) Line() string {
	return "stmotion " + in.String() + " " + runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH
}
