package export

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
)

// SavedOutputs are the tables and images an earlier run wrote for a
// session, kept aside (SaveOutputs) while a run writes the session
// again, so that a run that fails once its new files have replaced them
// (an image that cannot be written, after the tables) can put them back
// as they were (Restore) instead of losing the earlier, good analysis.
//
// Each is kept as a hard link (a copy where the file system has none)
// beside its file, under the hidden temporary name a Writer's files
// take while written (tempName), so that a process killed meanwhile
// leaves only what RemoveStaleTemps removes: the earlier file itself
// stays in place until the run's own replaces it.
type SavedOutputs struct {
	files []savedFile
}

type savedFile struct {
	final, saved string
}

// SessionOutputs lists the tables and images under dir that a run
// writing sessionID would replace: in the Hive layout (hive) those of
// its partitions; else those of one session, in dir itself and images/
// (whatever session they are).
func SessionOutputs(dir, sessionID string, hive bool) ([]string, error) {
	tables, err := ListTables(dir)
	if err != nil {
		return nil, err
	}
	images, err := ListImages(dir)
	if err != nil {
		return nil, err
	}
	ours := func(id string, h bool) bool {
		if hive {
			return h && id == PartitionKey(sessionID)
		}
		return !h
	}
	var paths []string
	for _, f := range tables {
		if ours(f.SessionID, f.Hive) {
			paths = append(paths, f.Path)
		}
	}
	for _, f := range images {
		if ours(f.SessionID, f.Hive) {
			paths = append(paths, f.Path)
		}
	}
	return paths, nil
}

// SaveOutputs keeps aside the files of SessionOutputs. It fails, keeping
// nothing, when one of them cannot be linked nor copied.
func SaveOutputs(dir, sessionID string, hive bool) (*SavedOutputs, error) {
	paths, err := SessionOutputs(dir, sessionID, hive)
	if err != nil {
		return nil, err
	}
	s := &SavedOutputs{}
	for _, p := range paths {
		saved, err := keepAside(p)
		if err != nil {
			s.Discard()
			return nil, fmt.Errorf("export: keep %s aside: %w", p, err)
		}
		s.files = append(s.files, savedFile{final: p, saved: saved})
	}
	return s, nil
}

// keepAside links (else copies) path to a hidden temporary name beside
// it, and returns that name.
func keepAside(path string) (string, error) {
	dir, base := filepath.Split(path)
	for range 10 {
		saved := filepath.Join(dir, fmt.Sprintf(".%s.tmp-%d", base, rand.Uint32()))
		err := os.Link(path, saved)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err == nil {
			return saved, nil
		}
		return saved, copyAside(path, saved)
	}
	return "", fmt.Errorf("no free temporary name for %s", base)
}

func copyAside(from, to string) error {
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	_, err = io.Copy(dst, src)
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(to)
	}
	return err
}

// Len is the number of files kept aside.
func (s *SavedOutputs) Len() int { return len(s.files) }

// Restore puts every file kept aside back under its own name, over what
// a run wrote there since, and returns how many it could not (with the
// first error): those are lost, their copies removed. The run's own files
// of other names are the caller's to remove. After Restore, s is empty.
func (s *SavedOutputs) Restore() (lost int, err error) {
	for _, f := range s.files {
		// A file the run did not replace is the link's own: a rename
		// between two links of one file does nothing (POSIX).
		if a, err := os.Stat(f.saved); err == nil {
			if b, err := os.Stat(f.final); err == nil && os.SameFile(a, b) {
				os.Remove(f.saved)
				continue
			}
		}
		if rerr := os.Rename(f.saved, f.final); rerr != nil {
			os.Remove(f.saved)
			lost++
			if err == nil {
				err = fmt.Errorf("export: restore %s: %w", f.final, rerr)
			}
		}
	}
	s.files = nil
	return lost, err
}

// Discard removes the files kept aside: the run's own replace them, or
// the earlier ones are still in place. After Discard, s is empty.
func (s *SavedOutputs) Discard() {
	for _, f := range s.files {
		os.Remove(f.saved)
	}
	s.files = nil
}
