package export

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	json "github.com/goccy/go-json"
)

// ErrForeignOutputs is wrapped by PrepareOutDir's error for a directory
// holding outputs the run would not replace.
var ErrForeignOutputs = errors.New("export: outputs a run would not replace")

// ForeignOutputsError is PrepareOutDir's refusal of a directory: Dir holds
// What (in words, as Outputs.Foreign gives them), which the run would not
// replace and readers of Dir would take for part of its output.
type ForeignOutputsError struct {
	Dir  string
	What string
}

func (e *ForeignOutputsError) Error() string {
	return fmt.Sprintf("export: %s holds %s, which this run would not replace and readers would take for part of its output", e.Dir, e.What)
}

func (e *ForeignOutputsError) Unwrap() error { return ErrForeignOutputs }

// OutDirOptions say how a run uses its output directory.
type OutDirOptions struct {
	// Hive: the run writes its sessions in the Hive layout
	// (WithHiveLayout, ImageDir), as analyze does for several inputs.
	Hive bool
	// Overwrite: what earlier runs left that this run would not replace
	// (other sessions' partitions and images, one-session files of
	// another session, the earlier summary.json) is not refused
	// by PrepareOutDir but removed by Tidy, once a session has succeeded.
	Overwrite bool
	// Add: the run adds its sessions to the dataset the directory holds
	// (analyze --add; with Hive, without Overwrite). Other sessions'
	// partitions are not refused, nor one-session tables of another
	// session that the directory names (Outputs.FlatSession): MoveFlat
	// moves them into that session's partitions. Tables of other
	// sessions in another format than Format are refused (a
	// *FormatError), as a dataset of two formats reads as neither. Tidy
	// never removes summary.json, which describes the other sessions.
	Add    bool
	Format Format
}

// ErrFormat is wrapped by PrepareOutDir's error for a dataset whose
// tables are in another format than the run's (OutDirOptions.Add).
var ErrFormat = errors.New("export: tables in another format")

// FormatError is PrepareOutDir's refusal of a dataset (Dir) whose other
// sessions' tables are in format Have, when the run writes Want.
type FormatError struct {
	Dir        string
	Want, Have Format
	// Sessions are those whose tables are in Have, sorted.
	Sessions []string
}

func (e *FormatError) Error() string {
	list := strings.Join(e.Sessions[:min(len(e.Sessions), 3)], ", ")
	if len(e.Sessions) > 3 {
		list += fmt.Sprintf(" and %d more", len(e.Sessions)-3)
	}
	return fmt.Sprintf("export: %s holds %s tables (%s), not %s", e.Dir, e.Have, list, e.Want)
}

func (e *FormatError) Unwrap() error { return ErrFormat }

// OutDir is the output directory of one run of several sessions (as
// `stmotion analyze` makes of its inputs), from before the run writes
// anything to after its last session has ended. A run replaces the
// outputs of its own sessions and nothing else, as readers of the
// directory take every table there for part of one dataset:
//
//  1. PrepareOutDir, before any session runs, finds what earlier runs
//     left (FindOutputs) and refuses, unless Overwrite, a directory
//     holding tables the run would not replace.
//  2. The sessions write their tables (Writer: TablePath) and images
//     (ImageDir), and WriteSummary the run's summary.json.
//  3. Tidy removes what earlier runs left that would now misdescribe the
//     run, and only files this package names (ListTables, ListImages,
//     SummaryFile): a user's own files there stay.
//
// An OutDir is used from one goroutine.
type OutDir struct {
	dir          string
	sessions     []string
	opt          OutDirOptions
	prev         Outputs
	wroteSummary bool
}

// PrepareOutDir readies dir for a run of sessions (their ids, each once;
// none for a run that will write nothing). Without opt.Overwrite it
// refuses, with a *ForeignOutputsError, a dir holding tables this run would
// not replace: other sessions' partitions, or one-session tables of
// another session (Outputs.Foreign), as DuckDB's COPY refuses a
// non-empty directory. The run's own sessions' outputs in the other
// layout (one-session tables before a run of several, or partitions
// before a run of one) are not refused: Tidy replaces them. Nothing is removed yet, also with opt.Overwrite:
// only by Tidy, once a session has succeeded, so that a run with nothing
// to write leaves an earlier one's outputs in place. dir is not created.
func PrepareOutDir(dir string, sessions []string, opt OutDirOptions) (*OutDir, error) {
	d := &OutDir{dir: dir, sessions: slices.Clone(sessions), opt: opt}
	if len(sessions) == 0 {
		return d, nil // nothing will be written, nothing to look at
	}
	prev, err := FindOutputs(dir)
	if err != nil {
		return nil, err
	}
	d.prev = prev
	if opt.Overwrite {
		return d, nil
	}
	if opt.Add {
		if err := checkFormat(dir, sessions, prev, opt.Format); err != nil {
			return nil, err
		}
		// Only one-session tables of a session nothing names are foreign
		// to a dataset that grows: MoveFlat moves the others.
		if len(prev.Flat) > 0 && prev.FlatSession == "" {
			flat := Outputs{Flat: prev.Flat}
			return nil, &ForeignOutputsError{Dir: dir, What: flat.Foreign(sessions)}
		}
		return d, nil
	}
	if f := prev.Foreign(sessions); f != "" {
		return nil, &ForeignOutputsError{Dir: dir, What: f}
	}
	return d, nil
}

// checkFormat returns a *FormatError when a table of a session in dir
// other than the run's (sessions; prev.FlatSession for one-session
// files) is not in format want.
func checkFormat(dir string, sessions []string, prev Outputs, want Format) error {
	files, err := ListTables(dir)
	if err != nil {
		return fmt.Errorf("export: check format: %w", err)
	}
	var e *FormatError
	for _, f := range files {
		id := f.SessionID
		if !f.Hive {
			id = prev.FlatSession
		}
		have := fileFormat(f.Path)
		// One-session tables of a session nothing names are refused as
		// foreign, whatever their format.
		if have == want || id == "" || slices.ContainsFunc(sessions, func(s string) bool { return s == id || PartitionKey(s) == id }) {
			continue
		}
		if e == nil {
			e = &FormatError{Dir: dir, Want: want, Have: have}
		}
		if have == e.Have && !slices.Contains(e.Sessions, id) {
			e.Sessions = append(e.Sessions, id)
		}
	}
	if e == nil {
		return nil
	}
	slices.Sort(e.Sessions)
	return e
}

// fileFormat is the format of a table file, by its extension.
func fileFormat(path string) Format {
	if strings.HasSuffix(path, FormatArrow.Ext()) {
		return FormatArrow
	}
	return FormatParquet
}

// Dir is the directory.
func (d *OutDir) Dir() string { return d.dir }

// WriteSummary writes v, the run's summary (a SessionSummary, or a
// MultiSummary for several sessions), as the directory's summary.json
// (WriteJSON, fsynced with sync). Tidy keeps the file once written; it
// does not write one when no session succeeded, so that an earlier run's
// stays unless it names a failed session.
func (d *OutDir) WriteSummary(v any, sync bool) error {
	err := WriteJSON(filepath.Join(d.dir, SummaryFile), v, sync)
	d.wroteSummary = d.wroteSummary || err == nil
	return err
}

// SessionFiles is what one session of the run left, for Tidy.
type SessionFiles struct {
	SessionID string
	// Failed says the session did not complete: it keeps no outputs.
	Failed bool
	// Canceled says the run was interrupted before it analysed the
	// session (or while it did): the session keeps what earlier runs
	// wrote for it, and the run removes no other session's outputs
	// either, also with Overwrite.
	Canceled bool
	// Replaced says the session is not one the run analysed but one it
	// replaces by another (analyze --add: the same recording added before
	// under another id): it keeps no outputs, as a failed session, though
	// it did not fail.
	Replaced bool
	// Kept, with Failed, says the session's earlier outputs are as they
	// were (its images failed, and the run put back what its tables
	// replaced: SavedOutputs): it keeps them, and the run removes none
	// of them, also with Overwrite.
	Kept bool
	// Files are the tables and images the session wrote under the
	// directory this time (Writer.Paths and the images' paths).
	Files []string
}

// RemoveError is Tidy's error for the files it meant to remove and could
// not (a read-only partition directory): Tidy goes on past each, so only
// these stay. Readers of Dir still take them for part of the dataset;
// for a failed session's, analyze says so in the session's failure.
type RemoveError struct {
	Dir string
	// Left are the files that stay, per session id ("" for one-session
	// files of a session no summary.json named), relative to Dir and
	// slash-separated, in the order Tidy met them.
	Left map[string][]string
	// Errs is, per session id, the first failure, which names its file.
	Errs map[string]error
}

func (e *RemoveError) Error() string {
	var parts []string
	for _, id := range slices.Sorted(maps.Keys(e.Left)) {
		who := "session " + id
		if id == "" {
			who = "the one-session files"
		}
		parts = append(parts, fmt.Sprintf("%s: %d (%v)", who, len(e.Left[id]), e.Errs[id]))
	}
	return fmt.Sprintf("export: %s: earlier outputs that could not be removed: %s", e.Dir, strings.Join(parts, "; "))
}

// removeFile is os.Remove; tests make it fail, as it does for a user
// other than root in a read-only directory.
var removeFile = os.Remove

// Tidy removes, once the run's sessions (every one given to
// PrepareOutDir, in any order) have ended, what earlier runs wrote under
// the directory that would misdescribe this run, and only files this
// package names (ListTables, ListImages, SummaryFile); a user's own files
// and the directories holding them stay. It returns the number of files
// removed per session id ("" for one-session files of a session no
// summary.json named, removed with Overwrite).
//
//   - A session that succeeded loses what it did not write this time:
//     its tables of the other Format or layout, its images of players
//     no longer there (or all of them, when it drew none).
//   - A session that failed loses all of its earlier outputs: readers
//     would take its old tables for this run's, while the summary lists
//     it as failed. So does summary.json when WriteSummary did not write
//     it (no session succeeded) and it names a failed session. A session
//     Replaced loses all of its outputs too.
//   - With Overwrite and a summary written, every other output goes too:
//     other sessions' partitions and images, one-session tables of
//     another session.
//   - A session Canceled keeps its earlier outputs, and with any such
//     session (an interrupted run) Overwrite removes nothing more: what
//     the run did not analyse stays as earlier runs left it.
//   - With Add, summary.json is never removed: it describes the
//     dataset's other sessions too.
//
// The one-session files (<table>.parquet, images/*.png, ...) are the
// session's that the earlier summary.json names, or else their tables'
// session_id column (Outputs.FlatSession),
// and those of the run's one session when it is a one-session run
// without Overwrite (PrepareOutDir refused any other session's).
//
// A file that cannot be removed does not stop Tidy: it removes all it
// can, and its error is a *RemoveError listing, per session, the files
// that stay and why (joined to a failure to list the tables or images,
// which then are not removed, if any).
func (d *OutDir) Tidy(sessions []SessionFiles) (removed map[string]int, err error) {
	keep := map[string]bool{}
	ok := map[string]bool{}     // this run's sessions: true when it succeeded
	full := map[string]string{} // PartitionKey → the run's session id
	var failed []string
	interrupted := false
	kept := map[string]bool{} // sessions whose earlier outputs stay as they were
	for _, s := range sessions {
		if s.Kept {
			kept[PartitionKey(s.SessionID)] = true
			continue
		}
		if s.Canceled {
			interrupted = true
			continue
		}
		ok[s.SessionID] = !s.Failed && !s.Replaced
		full[PartitionKey(s.SessionID)] = s.SessionID
		if s.Failed {
			failed = append(failed, s.SessionID)
		}
		for _, f := range s.Files {
			keep[filepath.Clean(f)] = true
		}
	}
	summary := filepath.Join(d.dir, SummaryFile)
	if d.wroteSummary {
		keep[filepath.Clean(summary)] = true
	}
	all := d.opt.Overwrite && d.wroteSummary && !interrupted
	flat := d.prev.FlatSession
	if !d.opt.Hive && !d.opt.Overwrite && len(sessions) == 1 {
		flat = sessions[0].SessionID
	}
	removed = map[string]int{}
	re := &RemoveError{Dir: d.dir, Left: map[string][]string{}, Errs: map[string]error{}}
	var listErrs []error
	drop := func(path, id string) bool {
		if keep[filepath.Clean(path)] || kept[PartitionKey(id)] {
			return false
		}
		if _, ours := ok[id]; !all && (id == "" || !ours) {
			return false
		}
		return true
	}
	// done counts path as removed, or as left when err.
	done := func(path, id string, err error) {
		if err == nil {
			removed[id]++
			return
		}
		re.Left[id] = append(re.Left[id], relSlash(d.dir, path))
		if re.Errs[id] == nil {
			re.Errs[id] = err
		}
	}
	tables, err := ListTables(d.dir)
	listErrs = append(listErrs, err)
	for _, f := range tables {
		id := f.SessionID
		if !f.Hive {
			id = flat
		} else if v, ok := full[id]; ok {
			id = v
		}
		if drop(f.Path, id) {
			done(f.Path, id, RemoveTableFile(f))
		}
	}
	images, err := ListImages(d.dir)
	listErrs = append(listErrs, err)
	for _, f := range images {
		id := f.SessionID
		if !f.Hive {
			id = flat
		} else if v, ok := full[id]; ok {
			id = v
		}
		if drop(f.Path, id) {
			done(f.Path, id, RemoveImageFile(f))
		}
	}
	if !d.wroteSummary && len(failed) > 0 && !d.opt.Add {
		if id := summaryNames(summary, failed); id != "" {
			err := removeFile(summary)
			if err != nil {
				err = fmt.Errorf("export: remove summary: %w", err)
			}
			done(summary, id, err)
		}
	}
	err = errors.Join(listErrs...)
	if len(re.Left) > 0 {
		if err == nil {
			return removed, re
		}
		err = errors.Join(err, re)
	}
	return removed, err
}

// summaryNames returns the first of ids that the summary.json at path
// names as a session (its session_id, or one of its sessions[]), or ""
// (also when there is no such file or it does not parse).
func summaryNames(path string, ids []string) string {
	data, err := readSummaryFile(path)
	if err != nil {
		return ""
	}
	var sum struct {
		SessionID string `json:"session_id"`
		Sessions  []struct {
			SessionID string `json:"session_id"`
		} `json:"sessions"`
	}
	if json.Unmarshal(data, &sum) != nil {
		return ""
	}
	named := []string{sum.SessionID}
	for _, s := range sum.Sessions {
		named = append(named, s.SessionID)
	}
	for _, id := range ids {
		if slices.Contains(named, id) {
			return id
		}
	}
	return ""
}
