//go:build !unix

package possession

// cpuTime_ns is 0 where getrusage does not exist (Windows, Plan 9): the
// benchmarks' CPU-time metrics then read 0, their wall-time figures stay.
func cpuTime_ns() int64 { return 0 }
