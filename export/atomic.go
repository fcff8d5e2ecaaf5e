package export

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// atomicFile is a file that appears under its final name only once it is
// complete: it is written to a hidden temporary file in the same directory
// (so the rename cannot cross file systems) and renamed on Commit. Abort
// removes the temporary file.
//
// Without sync, a process crash still leaves either no file or a complete
// one; after a power loss the renamed file may be cut short, which Parquet
// and Arrow readers detect (both formats end with a footer and magic
// bytes), so it cannot pass for a valid table either. Spark and pyarrow
// dataset discovery skip hidden names (leading '.'), but a DuckDB glob
// such as samples/*/* does not, and fails on a killed process's
// temporary file ("No magic bytes found"): RemoveStaleTemps removes them
// from the directories a run writes. The temporary file is locked while
// it is written (lockTemp), which tells a live writer's from a dead one's.
//
// An atomicFile is an io.Writer but not an io.Closer, so writers that close
// their sink (the Parquet writer does) cannot close it before Commit.
type atomicFile struct {
	file  *os.File
	buf   *bufio.Writer
	final string
	sync  bool // fsync before the rename
	done  bool
}

func (a *atomicFile) Write(p []byte) (int, error) { return a.buf.Write(p) }

func createAtomic(path string, sync bool) (*atomicFile, error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	f, err := createLockedTemp(dir, base)
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	// CreateTemp makes the file private (0600); outputs are for sharing.
	if err := f.Chmod(0o644); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, fmt.Errorf("export: %w", err)
	}
	return &atomicFile{file: f, buf: bufio.NewWriterSize(f, 64<<10), final: path, sync: sync}, nil
}

// createLockedTemp creates the temporary file of base in dir, named as
// tempName matches, and locks it (lockTemp). RemoveStaleTemps may remove
// the file in the moment between its creation and the lock, taking it
// for a dead writer's: then another is made. It may also remove dir
// itself, a partition it emptied of a dead writer's files, between the
// caller's MkdirAll and the creation: then dir is made again.
func createLockedTemp(dir, base string) (*os.File, error) {
	for range 3 {
		f, err := os.CreateTemp(dir, "."+base+".tmp-*") // tempName
		if errors.Is(err, fs.ErrNotExist) {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return nil, err
			}
			continue
		}
		if err != nil {
			return nil, err
		}
		lockTemp(f)
		fi, err := f.Stat()
		if err != nil {
			f.Close()
			return nil, err
		}
		if named, err := os.Stat(f.Name()); err == nil && os.SameFile(fi, named) {
			return f, nil
		}
		f.Close()
	}
	return nil, fmt.Errorf("temporary files in %s removed as they were made (%s)", dir, base)
}

// Commit flushes, closes and renames the file to its final name. Where
// an open file can be renamed (renameOpen), it is renamed first, so that
// its temporary name never exists unlocked while this process lives
// (RemoveStaleTemps).
func (a *atomicFile) Commit() error {
	if a.done {
		return nil
	}
	a.done = true
	tmp := a.file.Name()
	err := a.buf.Flush()
	if err == nil && a.sync {
		err = a.file.Sync()
	}
	renamed := false
	if err == nil && renameOpen {
		err = os.Rename(tmp, a.final)
		renamed = err == nil
	}
	if cerr := a.file.Close(); err == nil {
		err = cerr
	}
	if err == nil && !renamed {
		err = os.Rename(tmp, a.final)
	}
	if err != nil {
		if renamed {
			// A close that fails may have lost writes: the file is not
			// complete, and must not pass for a table.
			os.Remove(a.final)
		} else {
			os.Remove(tmp)
		}
		return fmt.Errorf("export: commit %s: %w", a.final, err)
	}
	return nil
}

// Abort closes and removes the temporary file. It is a no-op after Commit.
func (a *atomicFile) Abort() {
	if a.done {
		return
	}
	a.done = true
	a.file.Close()
	os.Remove(a.file.Name())
}

// WriteFileAtomic writes data to path through a temporary file in the same
// directory and a rename, so path holds either its old content or data.
// With sync the file is fsynced before the rename, which makes that true
// across a power loss too.
func WriteFileAtomic(path string, data []byte, sync bool) error {
	f, err := createAtomic(path, sync)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Abort()
		return fmt.Errorf("export: write %s: %w", path, err)
	}
	return f.Commit()
}
