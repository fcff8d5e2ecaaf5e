//go:build !unix

package decode

// cpuTime_ns is 0 where getrusage does not exist (Windows, Plan 9): the
// benchmarks' cpu-ns/msg then reads 0, their wall-time figures stay.
func cpuTime_ns() int64 { return 0 }
