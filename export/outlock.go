package export

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// LockFile is the file under a directory that a process writing there
// locks while it writes: every analyze run under its --out, a live
// session under its live id's bundle. It is empty, and stays: removing it
// would let a third process lock a new file while a second still waits
// on the old one.
const LockFile = ".stmotion.lock"

// ErrLocked is what TryLockOutDir's error wraps when another process
// holds the directory's lock.
var ErrLocked = errors.New("export: locked by another process")

// lockPoll is how often LockOutDir tries again while another run holds
// the lock.
const lockPoll = 50 * time.Millisecond

// LockOutDir takes the lock of the output directory dir (LockFile,
// created if needed), which one process at a time holds, and returns its
// release. Runs that write into one directory hold it from before they
// read its summary.json until they have written theirs, so that none
// writes a summary from one read before another's was written (which
// would lose that run's sessions), nor passes the check of what the
// directory holds (PrepareOutDir) while another is writing there. While
// another holds it, LockOutDir calls waiting once and tries again every
// lockPoll, until ctx ends (its error is returned). The system drops the
// lock of a process that ends, however it ends. Where locks do not work
// (no flock: Windows, a file system without it) it returns at once,
// holding nothing.
func LockOutDir(ctx context.Context, dir string, waiting func()) (release func(), err error) {
	f, err := openLock(dir)
	if err != nil {
		return nil, err
	}
	for waited := false; ; waited = true {
		locked, held := tryLock(f)
		if locked || !held {
			return func() { f.Close() }, nil
		}
		if !waited && waiting != nil {
			waiting()
		}
		// Err too: a context may end without closing Done.
		if err := ctx.Err(); err != nil {
			f.Close()
			return nil, err
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, ctx.Err()
		case <-time.After(lockPoll):
		}
	}
}

// TryLockOutDir takes the lock of dir as LockOutDir does, but does not
// wait: while another process holds it, it returns an error wrapping
// ErrLocked. Where locks do not work it returns at once, holding nothing,
// as LockOutDir does.
func TryLockOutDir(dir string) (release func(), err error) {
	f, err := openLock(dir)
	if err != nil {
		return nil, err
	}
	if locked, held := tryLock(f); held && !locked {
		f.Close()
		return nil, fmt.Errorf("export: lock %s: %w", dir, ErrLocked)
	}
	return func() { f.Close() }, nil
}

// openLock opens (creates) dir's LockFile. Read-write: where flock is
// emulated with POSIX locks (NFS), an exclusive lock needs a file open
// for writing.
func openLock(dir string) (*os.File, error) {
	f, err := os.OpenFile(filepath.Join(dir, LockFile), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("export: lock %s: %w", dir, err)
	}
	return f, nil
}
