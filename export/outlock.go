package export

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// LockFile is the file under an output directory that a run adding to
// its dataset (analyze --add) locks while it runs. It is empty, and
// stays: removing it would let a third run lock a new file while a
// second still waits on the old one.
const LockFile = ".stmotion.lock"

// lockPoll is how often LockOutDir tries again while another run holds
// the lock.
const lockPoll = 50 * time.Millisecond

// LockOutDir takes the lock of the output directory dir (LockFile,
// created if needed), which one process at a time holds, and returns its
// release. Runs that add to a dataset hold it from before they read its
// summary.json until they have written theirs, so that none writes a
// summary from one read before another's was written (which would lose
// that run's sessions). While another holds it, LockOutDir calls waiting
// once and tries again every lockPoll, until ctx ends (its error is
// returned). The system drops the lock of a process that ends, however it
// ends. Where locks do not work (no flock: Windows, a file system without
// it) it returns at once, holding nothing.
func LockOutDir(ctx context.Context, dir string, waiting func()) (release func(), err error) {
	f, err := os.OpenFile(filepath.Join(dir, LockFile), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("export: lock %s: %w", dir, err)
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
