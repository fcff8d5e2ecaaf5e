package batch

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/text/unicode/norm"

	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/export"
	"github.com/stmotion/stmotion/pipeline"
)

// Input is one session to analyse.
type Input struct {
	Path string // as found: bundle directory or recording file (decode.Stdin: standard input)
	// Source is what to call the input in summary.json and the report, if
	// not Path (the built-in sample, whose temporary path means nothing
	// once the run ends): such an input has no source_path, and is
	// compared with the dataset's sources by that name only.
	Source    string
	SessionID string
	Bundle    *decode.Bundle
	// Err: the input could not be opened (decode.OpenBundle), or the
	// court given for it cannot be used, but what was read names its
	// session, whose earlier outputs the run then removes as any failed
	// session's. The input fails with Err.
	Err error
	// broken: its recording was read through before ids were given
	// (checkSharedIDs), and cannot be analysed: assignSessionIDs orders
	// it with the failed ones. Its analysis fails, and says why.
	broken bool
	// cut: its recording was read through so (checkSharedIDs), and its
	// compressed stream breaks before its end (quality.truncated): it can
	// be analysed, up to the break, and assignSessionIDs orders it after
	// the complete ones.
	cut bool
	// ownCourtBad: its own court.json cannot be used (PlanInputs): it
	// is analysed in the sensor frame (pipeline), and assignSessionIDs
	// orders it after the inputs with a court, as a cut one, so that a
	// copy of the game that has its court keeps the id.
	ownCourtBad bool
	// adopted: with Add, why the input took the spelling of a session
	// of the dataset's (adoptDatasetIDs), said once the ids are given:
	// with the id it is written as, or, renamed, in that warning.
	adopted, adoptedAs string
}

// planInputs expands the arguments into inputs with unique session ids.
// An argument that cannot be expanded or opened is a failed input; the
// others go on. A path met again (the same cleaned absolute path, given
// twice or also found under a directory given), or whose recording is one
// already met (os.SameFile: a symbolic link, a bundle beside its own
// messages file), is analysed once, with a warning: twice, it would put
// the same game in the dataset twice. Of the same recording met twice,
// the one kept does not depend on the order of the arguments or of a
// search (preferred): the bundle, not its bare messages file, which
// would lose its session id, court and roster.
//
// Session ids come from the inputs (pipeline.SessionID) and may repeat:
// assignSessionIDs makes them unique, once the courts are checked.
func planInputs(args []string) (ins []Input, failed []export.FailedInput, warnings []string) {
	given := map[string]string{} // cleaned absolute path → as first met
	var recs []fs.FileInfo       // the recordings met, to find one met again under another path
	var recIns []int             // the index in ins of the input each of recs is read for
	for _, a := range args {
		paths, unsearched, err := decode.FindBundles(a)
		if err != nil {
			failed = append(failed, export.FailedInput{Source: a, SourcePath: sourcePath(a), Error: err.Error()})
			continue
		}
		// A directory under a that cannot be searched is an input that
		// failed, as a recording there that cannot be read is; the
		// others go on. What it holds is not known: it has no session
		// id, as an argument that cannot be searched has none.
		for _, u := range unsearched {
			failed = append(failed, export.FailedInput{Source: u.Path, SourcePath: sourcePath(u.Path), Error: u.Error()})
		}
		for _, p := range paths {
			key := absPath(p)
			if first, ok := given[key]; ok {
				if first == p {
					warnings = append(warnings, fmt.Sprintf("%s: given more than once: analysed once", p))
				} else {
					warnings = append(warnings, fmt.Sprintf("%s: given more than once (first as %s): analysed once", p, first))
				}
				continue
			}
			given[key] = p
			b, err := decode.OpenBundle(p)
			if b == nil {
				failed = append(failed, export.FailedInput{Source: p, SourcePath: sourcePath(p), Error: err.Error()})
				continue
			}
			in := Input{Path: p, SessionID: pipeline.SessionID(b), Bundle: b, Err: err}
			// The same recording under another name: a symbolic link,
			// or a bundle given beside its own messages file.
			if fi, serr := os.Stat(b.MessagesPath); serr == nil && b.MessagesPath != decode.Stdin {
				if first := slices.IndexFunc(recs, func(r fs.FileInfo) bool { return os.SameFile(r, fi) }); first >= 0 {
					j := recIns[first]
					kept, dropped := ins[j], in
					if preferred(in, ins[j]) {
						kept, dropped = in, ins[j]
						ins[j] = in
					}
					msg := fmt.Sprintf("%s: the same recording as %s: analysed once", dropped.Path, kept.Path)
					if kept.Bundle.Dir != "" && dropped.Bundle.Dir == "" {
						msg += ", as the bundle"
					}
					warnings = append(warnings, msg)
					continue
				}
				recs, recIns = append(recs, fi), append(recIns, len(ins))
			}
			ins = append(ins, in)
		}
	}
	return ins, failed, warnings
}

// absPath is p's cleaned absolute form, by which a run compares and
// orders its inputs (decode.Stdin stays as it is).
func absPath(p string) string {
	if p != decode.Stdin {
		if abs, err := filepath.Abs(p); err == nil {
			return abs
		}
	}
	return p
}

// preferred reports whether a is kept rather than b when both are the
// same recording (planInputs), whatever the order they were met in: a
// bundle, whose live.json, court and roster go with the recording, over
// a bare recording, which has none of them (a bundle beside its own
// messages file, a link to the file and one to the directory); between
// two of a kind, the first by cleaned absolute path.
func preferred(a, b Input) bool {
	if ab, bb := a.Bundle.Dir != "", b.Bundle.Dir != ""; ab != bb {
		return ab
	}
	return absPath(a.Path) < absPath(b.Path)
}

// adoptEarlierIDs gives each input that could not be opened, and whose
// session id is therefore its name rather than the live id of its
// live.json (pipeline.SessionID; a live.json that does not parse), the
// session id the earlier summary.json (its sessions, earlier) gave the
// same source, if it gave one that no other input of the run has as its
// own (before assignSessionIDs, which then gives no other input it). That
// is the session whose outputs the input wrote then: as a failed session
// it loses them, instead of their refusing the whole run as another
// session's partitions.
func adoptEarlierIDs(ins []Input, earlier []export.SessionSummary) {
	taken := func(id string, self int) bool {
		for i, in := range ins {
			if i != self && pipeline.SessionIDKey(in.SessionID) == pipeline.SessionIDKey(id) {
				return true
			}
		}
		return false
	}
	for i := range ins {
		in := &ins[i]
		if in.Err == nil || in.Bundle.Live != nil {
			continue
		}
		for _, e := range earlier {
			if e.SessionID != "" && e.SessionID != in.SessionID && filepath.Clean(e.Source) == filepath.Clean(in.Path) && !taken(e.SessionID, i) {
				in.SessionID = e.SessionID
				break
			}
		}
	}
}

// sourceName is what summary.json calls in (SessionSummary.Source).
func sourceName(in Input) string {
	if in.Source != "" {
		return in.Source
	}
	return in.Path
}

// sourcePath is SessionSummary.SourcePath of an input at path: its
// absolute path, "" for standard input.
func sourcePath(path string) string {
	if path == decode.Stdin {
		return ""
	}
	return absPath(path)
}

// earlierSource is where an earlier run's input (a summary.json entry's
// source and source_path) is, as an absolute path, and whether that is
// known: an entry without source_path (written before it existed) is
// known only when its source is absolute, as a relative one was relative
// to a working directory nobody recorded.
func earlierSource(source, sourcePath string) (string, bool) {
	switch {
	case sourcePath != "":
		return sourcePath, true
	case filepath.IsAbs(source):
		return filepath.Clean(source), true
	}
	return "", false
}

// sameRecording reports whether source, an earlier run's input (an
// absolute path, earlierSource), is in's recording: the same path, or the
// same file (os.SameFile) as the recording, or as the messages file of a
// bundle at source (a bundle and its own messages file, a link).
func sameRecording(source string, in Input) bool {
	if in.Source != "" || in.Path == decode.Stdin {
		return false // the built-in sample, standard input: no path to compare
	}
	if source == absPath(in.Path) {
		return true
	}
	if in.Bundle == nil || in.Bundle.MessagesPath == "" || in.Bundle.MessagesPath == decode.Stdin {
		return false
	}
	rec, err := os.Stat(in.Bundle.MessagesPath)
	if err != nil {
		return false
	}
	fi, err := os.Stat(source)
	if err != nil {
		return false
	}
	if !fi.IsDir() {
		return os.SameFile(fi, rec)
	}
	for _, ext := range []string{"", ".gz", ".zst"} {
		if m, err := os.Stat(filepath.Join(source, decode.BundleMessages+ext)); err == nil && os.SameFile(m, rec) {
			return true
		}
	}
	return false
}

// isBundleSource reports whether an earlier run's source is a bundle
// directory (not a bare recording).
func isBundleSource(source string) bool {
	fi, err := os.Stat(source)
	return err == nil && fi.IsDir()
}

// sameSource reports whether an earlier entry's input (source,
// sourcePath) may be in's: the same recording, or a source whose place
// is not known (an entry written before source_path existed, with a
// relative source), of which nothing is said. It is false only when
// both places are known and differ.
func sameSource(source, sourcePath string, in Input) bool {
	src, ok := earlierSource(source, sourcePath)
	if !ok || in.Source != "" || in.Path == decode.Stdin {
		return source == sourceName(in)
	}
	return sameRecording(src, in)
}

// checkSharedIDs reads through, before session ids are given, the
// recordings of the inputs that would otherwise take an id from one that
// can be analysed (pipeline.Check): those whose id (ids that differ only
// in case are one) two or more inputs that could be opened share, and
// those for which held names another source whose session has the id
// (with Config.Add: a session under Out, from another recording). One that
// cannot be analysed is marked broken, so that assignSessionIDs gives the
// id to one that can be (its analysis then fails as it would have, with
// its warnings), and one cut short (quality.truncated) is marked cut, so
// that a complete copy takes the id before it; one whose id held names
// leaves ins for failed, without a session id (its failure removes
// nothing), and with a warning, when it cannot be analysed (with Check's
// error, the error its analysis would give) or is cut short while the
// session there was read whole: the session there is not replaced by a
// broken copy, nor by less of the game. A stream (standard input, a
// named pipe) is not read twice: it is taken as one that can be
// analysed. Inputs are read jobs at a time; one an interrupt cuts short
// is left as it was.
func checkSharedIDs(ctx context.Context, ins []Input, failed []export.FailedInput, warnings []string, cfg *Config, held func(Input) (export.SessionSummary, bool)) ([]Input, []export.FailedInput, []string) {
	openable := map[string]int{}
	for _, in := range ins {
		if in.Err == nil {
			openable[pipeline.SessionIDKey(in.SessionID)]++
		}
	}
	var check []int
	for i, in := range ins {
		if in.Err != nil || in.Bundle.Stream != nil {
			continue
		}
		if _, h := held(in); h || openable[pipeline.SessionIDKey(in.SessionID)] > 1 {
			check = append(check, i)
		}
	}
	errs := make([]error, len(check))
	cut := make([]bool, len(check))
	RunJobs(cfg.jobs(), len(check), func(k int) {
		cut[k], errs[k] = pipeline.Check(ctx, ins[check[k]].Bundle, cfg.options(false))
	})
	drop := map[int]bool{}
	for k, i := range check {
		in, err := &ins[i], errs[k]
		if errors.Is(err, pipeline.ErrCanceled) || err == nil && !cut[k] {
			continue
		}
		e, h := held(*in)
		switch {
		case h && err != nil:
			warnings = append(warnings, fmt.Sprintf("%s: session id %s already used in %s by %s, which stays: %s cannot be analysed (the error below), and takes no session id", in.Path, in.SessionID, cfg.Options.Out, e.Source, in.Path))
			failed = append(failed, export.FailedInput{Source: in.Path, SourcePath: sourcePath(in.Path), Error: err.Error()})
			drop[i] = true
		case h && !e.Quality.Truncated:
			warnings = append(warnings, fmt.Sprintf("%s: session id %s already used in %s by %s, which stays: %s is cut short (the error below), and takes no session id", in.Path, in.SessionID, cfg.Options.Out, e.Source, in.Path))
			failed = append(failed, export.FailedInput{Source: in.Path, SourcePath: sourcePath(in.Path), Error: fmt.Sprintf("%s: its compressed stream breaks before the end of the file (quality.truncated), while session %s in %s, from %s, was read whole: not added, as it would replace the game with less of it", in.Bundle.MessagesPath, in.SessionID, cfg.Options.Out, e.Source)})
			drop[i] = true
		case err != nil:
			in.broken = true
		default:
			in.cut = true
		}
	}
	if len(drop) > 0 {
		kept := ins[:0:0]
		for i, in := range ins {
			if !drop[i] {
				kept = append(kept, in)
			}
		}
		ins = kept
	}
	return ins, failed, warnings
}

// assignSessionIDs makes the session ids of ins unique
// (pipeline.UniqueSessionIDs), in an order that does not depend on the
// arguments': the inputs that can be analysed first, then those cut short
// (cut) or whose own court.json cannot be used (ownCourtBad: analysed in
// the sensor frame), then those that failed already (openErr) or will
// (broken), each
// group by its cleaned absolute path (standard input, "-", first). So an
// id's plain form goes to the same input whatever the order of the
// arguments, and not to a broken or cut copy of a game beside the good
// one. It returns a warning for each input
// renamed, failed already or not: a failed one's id names the session
// whose earlier outputs the run removes, and its failed[] entry.
func assignSessionIDs(ins []Input) (warnings []string) {
	keys := make([]string, len(ins))
	for i, in := range ins {
		keys[i] = absPath(in.Path)
	}
	order := make([]int, len(ins))
	for i := range order {
		order[i] = i
	}
	rank := func(in Input) int {
		switch {
		case in.Err != nil || in.broken:
			return 2
		case in.cut || in.ownCourtBad:
			return 1
		}
		return 0
	}
	slices.SortStableFunc(order, func(a, b int) int {
		if c := cmp.Compare(rank(ins[a]), rank(ins[b])); c != 0 {
			return c
		}
		return strings.Compare(keys[a], keys[b])
	})
	ids := make([]string, len(ins))
	for k, i := range order {
		ids[k] = ins[i].SessionID
	}
	owner := map[string]int{} // an id as UniqueSessionIDs compares them → the input that keeps it
	for k, id := range pipeline.UniqueSessionIDs(ids) {
		in := &ins[order[k]]
		key := pipeline.SessionIDKey(in.SessionID)
		first, ok := owner[key]
		if !ok {
			owner[key] = order[k]
		}
		if ok {
			by := ins[first].Path
			if ins[first].SessionID != in.SessionID {
				by += " (as " + ins[first].SessionID + ": " + oneID(ins[first].SessionID, in.SessionID) + ")"
			} else if norm.NFC.String(ins[first].Path) == norm.NFC.String(in.Path) {
				// Two names that print alike (SessionID normalises them).
				by += " (the same name, its accents encoded otherwise: Unicode NFC, NFD)"
			}
			msg := fmt.Sprintf("%s: session id %s already used by %s: written as %s", in.Path, in.SessionID, by, id)
			if in.adopted != "" {
				msg = fmt.Sprintf("%s: %s, already used by %s: written as %s", in.Path, in.adopted, by, id)
			}
			if in.cut && !ins[first].cut {
				msg += fmt.Sprintf(", as its recording is cut short (quality.truncated) and %s's is not", ins[first].Path)
			}
			warnings = append(warnings, msg)
		}
		in.SessionID = id
	}
	return warnings
}

// oneID says why two different ids with one pipeline.SessionIDKey are one
// id, for the warning that renames or replaces one.
func oneID(a, b string) string {
	if norm.NFC.String(a) == norm.NFC.String(b) {
		return "ids that differ only in how their accents are encoded (Unicode NFC, NFD) are one"
	}
	return "ids that differ only in case are one"
}
