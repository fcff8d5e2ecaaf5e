//go:build !unix

package export

import "os"

// renameOpen: Windows does not rename an open file (atomicFile.Commit).
const renameOpen = false

// lockTemp does nothing where there is no flock: RemoveStaleTemps then
// goes by age alone.
func lockTemp(*os.File) {}

// tempInUse cannot tell without flock.
func tempInUse(string) (inUse, known bool) { return false, false }

// tryLock locks nothing without flock (LockOutDir).
func tryLock(*os.File) (locked, held bool) { return false, false }
