package live

import (
	"errors"
	"fmt"
	"os"

	"github.com/stmotion/stmotion/export"
)

// ErrBundleHeld is what a *BundleHeldError unwraps to: another process
// records into the live id's bundle.
var ErrBundleHeld = errors.New("live: the bundle is recorded by another process")

// BundleHeldError is a live id whose bundle directory, Dir, another
// process holds the lock of (export.LockFile, flock): another stmotion
// live records into it. Two recording at once would tear the lines of
// messages.jsonl, write the same table parts and repeat the tables' rows,
// so Join refuses the live id before it writes anything there; `stmotion
// live` exits with status 1. The system drops the lock of a process that
// ends, however it ends: a re-join after a crash is not refused.
type BundleHeldError struct {
	LiveID, Dir string
}

func (e *BundleHeldError) Error() string {
	return fmt.Sprintf("live: live id %s: another stmotion live records into its bundle %s (it holds %s): refused, as two recording into one bundle corrupt it",
		PrintableID(e.LiveID), e.Dir, export.LockFile)
}

func (e *BundleHeldError) Unwrap() error { return ErrBundleHeld }

// bundleLocks are the locks a Join holds on bundle directories
// (export.TryLockOutDir), so that no two processes record into one
// bundle at once: the bundle of the live id the Join records, from
// before it reads the bundle (a re-join) until its session has ended and
// the next live id's bundle is locked (a follow: a Join started meanwhile
// on the live id before finds one of the two held), and for the whole
// Join the bundle of the live id it was started with (keep), so that the
// same command run twice is refused at once, wherever the first has
// followed to. The nil *bundleLocks (no Out) holds nothing.
type bundleLocks struct {
	keep string
	held map[string]func() // bundle directory → its release
}

func newBundleLocks(keep string) *bundleLocks {
	return &bundleLocks{keep: keep, held: map[string]func(){}}
}

// take takes the lock of live id's bundle directory dir, unless it holds
// it already: a *BundleHeldError while another process holds it. Without
// create, a dir that is not there (nothing recorded yet, or a name the
// file system refuses, which the session says) is not locked: the lock
// is taken once the session makes it. With create, dir is made first.
// Once it holds dir's lock it releases the others but keep's: the live
// id's before, which its session has stopped writing.
func (l *bundleLocks) take(dir, id string, create bool) error {
	if l == nil {
		return nil
	}
	if _, ok := l.held[dir]; ok {
		return nil
	}
	if create {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("live: bundle directory: %w", err)
		}
	} else if _, err := os.Stat(dir); err != nil {
		return nil
	}
	release, err := export.TryLockOutDir(dir)
	if errors.Is(err, export.ErrLocked) {
		return &BundleHeldError{LiveID: id, Dir: dir}
	}
	if err != nil {
		return fmt.Errorf("live: bundle directory: %w", err)
	}
	for d, r := range l.held {
		if d != l.keep {
			r()
			delete(l.held, d)
		}
	}
	l.held[dir] = release
	return nil
}

// release releases dir's lock, if held.
func (l *bundleLocks) release(dir string) {
	if l == nil {
		return
	}
	if r, ok := l.held[dir]; ok {
		r()
		delete(l.held, dir)
	}
}

// releaseAll releases every lock held.
func (l *bundleLocks) releaseAll() {
	if l == nil {
		return
	}
	for d, r := range l.held {
		r()
		delete(l.held, d)
	}
}
