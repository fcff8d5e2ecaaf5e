package export

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"time"
)

// tempName matches the names of the temporary files createAtomic makes:
// "." + the final name + ".tmp-" + the decimal number os.CreateTemp puts
// for its "*". The first group is the final name.
var tempName = regexp.MustCompile(`^\.(.+)\.tmp-[0-9]+$`)

// A temporary file is stale, its writer gone (a process killed, a power
// loss), when no process holds its lock (lockTemp). The writer holds it
// from the file's creation (createLockedTemp makes another if the file
// went before it was locked) until the rename that ends its temporary
// name (atomicFile.Commit renames while the file is open), and the
// kernel drops it when the process ends, however it ends. Where the lock
// cannot tell (no flock: Windows, a file system without it), a file must
// also have been left alone for StaleTempAgeNoLock: analyze writes each
// of its temporary files within seconds of the last, at most minutes
// apart for a game of hours.
const StaleTempAgeNoLock = time.Hour

// StaleTemps counts what RemoveStaleTemps removed: the temporary files,
// and the partition directories (and table or images directories) that
// held nothing else.
type StaleTemps struct {
	Files int
	Bytes int64
	Dirs  int
}

// RemoveStaleTemps removes the stale temporary files (StaleTempAgeNoLock)
// of this package's own naming, for a final name this package writes
// there, from every directory under the output directory that a run
// writes: the directory itself (summary.json, one-session tables),
// images/, and every partition of every table and of images/, this run's
// sessions' and any other's. A killed run leaves them, and a DuckDB glob
// over the partitions (samples/*/*) fails on them, whichever session's
// partition holds them; no run will ever rename them. A partition
// directory (and then its table's or images directory) that held nothing
// but such files is removed too: an empty partition reads as a session
// without rows. Nothing else is looked at: other directories, other
// names, files a live writer (another run into the same directory,
// whatever its sessions) holds. now is the time to measure ages from.
//
// A run with no session (nothing to write) removes nothing.
func (d *OutDir) RemoveStaleTemps(now time.Time) (StaleTemps, error) {
	var st StaleTemps
	if len(d.sessions) == 0 {
		return st, nil
	}
	rootNames := []string{SummaryFile}
	for _, t := range Tables() {
		for _, f := range []Format{FormatParquet, FormatArrow} {
			rootNames = append(rootNames, filepath.Base(TablePath("", t, "", f, false)))
		}
	}
	partNames := []string{filepath.Base(TablePath("", TableSamples, "x", FormatParquet, true)), filepath.Base(TablePath("", TableSamples, "x", FormatArrow, true))}
	isPart := func(name string) bool { return slices.Contains(partNames, name) }
	var errs []error
	// clean removes the stale temporary files in dir, and reports
	// whether it removed any.
	clean := func(dir string, ours func(string) bool) bool {
		n, err := removeStaleTemps(dir, ours, now)
		st.Files += n.Files
		st.Bytes += n.Bytes
		errs = append(errs, err)
		return n.Files > 0
	}
	// cleanParts cleans each partition directory under dir, removes
	// those it left empty, and then dir if it left it empty.
	cleanParts := func(dir string, ours func(string) bool) {
		ents, err := os.ReadDir(dir)
		if errors.Is(err, fs.ErrNotExist) {
			return
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("export: remove stale temporary files: %w", err))
			return
		}
		emptied := false
		for _, e := range ents {
			if _, ok := PartitionSession(e.Name()); !ok || !e.IsDir() {
				continue
			}
			part := filepath.Join(dir, e.Name())
			// Only a directory this emptied: one already empty may be
			// a live writer's, between its MkdirAll and its file.
			if clean(part, ours) && os.Remove(part) == nil {
				st.Dirs++
				emptied = true
			}
		}
		if emptied && os.Remove(dir) == nil {
			st.Dirs++
		}
	}
	clean(d.dir, func(name string) bool { return slices.Contains(rootNames, name) })
	for _, t := range Tables() {
		cleanParts(filepath.Join(d.dir, t.String()), isPart)
	}
	images := ImageDir(d.dir, "", false)
	cleaned := clean(images, IsImage)
	cleanParts(images, IsImage)
	if cleaned && os.Remove(images) == nil {
		st.Dirs++
	}
	return st, errors.Join(errs...)
}

// RemoveStaleTempsIn removes the stale temporary files (see
// RemoveStaleTemps) of the tables and summary a Writer writes into dir
// as one session's (no partitions), such as a live table part of a join
// that was killed: only that directory, only this package's names.
func RemoveStaleTempsIn(dir string, now time.Time) (StaleTemps, error) {
	names := []string{SummaryFile}
	for _, t := range Tables() {
		for _, f := range []Format{FormatParquet, FormatArrow} {
			names = append(names, filepath.Base(TablePath("", t, "", f, false)))
		}
	}
	return removeStaleTemps(dir, func(name string) bool { return slices.Contains(names, name) }, now)
}

// removeStaleTemps removes the stale temporary files in dir (not below)
// whose final name ours accepts. A directory that does not exist holds
// none.
func removeStaleTemps(dir string, ours func(string) bool, now time.Time) (StaleTemps, error) {
	var st StaleTemps
	ents, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return st, nil
	}
	if err != nil {
		return st, fmt.Errorf("export: remove stale temporary files: %w", err)
	}
	for _, e := range ents {
		m := tempName.FindStringSubmatch(e.Name())
		if m == nil || !e.Type().IsRegular() || !ours(m[1]) {
			continue
		}
		fi, err := e.Info()
		if err != nil {
			continue // gone meanwhile: its writer renamed it
		}
		path := filepath.Join(dir, e.Name())
		age := now.Sub(fi.ModTime())
		inUse, known := tempInUse(path)
		if inUse || !known && age < StaleTempAgeNoLock {
			continue
		}
		if err := os.Remove(path); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			return st, fmt.Errorf("export: remove stale temporary file: %w", err)
		}
		st.Files++
		st.Bytes += fi.Size()
	}
	return st, nil
}
