//go:build unix

package bench

import (
	"syscall"
	"time"
)

// ProcessCPUTime returns the CPU time (user + system) the whole process has
// used: the measuring thread and the garbage collector's workers on other
// threads, so a decoder's allocations are paid for. Time the kernel gives to
// other processes on a shared machine is not in it. It reports false where
// the process CPU time cannot be read.
func ProcessCPUTime() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
