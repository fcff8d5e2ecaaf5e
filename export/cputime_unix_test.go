//go:build unix

package export

import "syscall"

// cpuTime is the user + system CPU time of the process so far, in ns (0
// when it cannot be read): time spent waiting for a core is not counted.
func cpuTime() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
