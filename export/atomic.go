package export

import (
	"bufio"
	"fmt"
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
// bytes), so it cannot pass for a valid table either. Hidden names (leading '.') are skipped by
// DuckDB globs, Spark and pyarrow dataset discovery, so a crash leaves
// nothing that a reader would take for a valid table.
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
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
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

// Commit flushes, closes and renames the file to its final name.
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
	if cerr := a.file.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, a.final)
	}
	if err != nil {
		os.Remove(tmp)
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
