//go:build unix

package decode

import "syscall"

// cpuTime_ns is the user + system CPU time of the process so far (0 when
// it cannot be read).
func cpuTime_ns() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
