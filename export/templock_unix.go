//go:build unix

package export

import (
	"errors"
	"os"
	"syscall"
)

// renameOpen: a file can be renamed while open (atomicFile.Commit).
const renameOpen = true

// lockTemp takes an exclusive flock on a temporary file while it is
// written (see staleTemp): the kernel releases it when the process ends,
// however it ends, so a lock that can be taken marks a file no process
// is writing. It waits for the lock: the only other holder can be
// tempInUse, for the moment of its look. A file system without flock
// simply leaves the file unlocked.
func lockTemp(f *os.File) {
	for syscall.Flock(int(f.Fd()), syscall.LOCK_EX) == syscall.EINTR {
	}
}

// tempInUse reports whether a process holds the lock of the temporary
// file at path; known is false when that cannot be told (no flock on the
// file system, the file unreadable).
func tempInUse(path string) (inUse, known bool) {
	// Read-write: where flock is emulated with POSIX locks (NFS), an
	// exclusive lock needs a file open for writing.
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return false, false
	}
	defer f.Close() // and with it the lock taken here
	switch err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); {
	case err == nil:
		return false, true
	case errors.Is(err, syscall.EWOULDBLOCK):
		return true, true
	}
	return false, false
}

// tryLock takes an exclusive flock on f (LockOutDir) without waiting:
// locked when it did, held when another process holds it (false for
// both where flock does not work: then nothing is locked).
func tryLock(f *os.File) (locked, held bool) {
	for {
		switch err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); {
		case err == nil:
			return true, false
		case errors.Is(err, syscall.EWOULDBLOCK):
			return false, true
		case errors.Is(err, syscall.EINTR):
			continue
		}
		return false, false
	}
}
