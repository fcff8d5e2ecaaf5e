//go:build !unix

package export

// cpuTime is 0 where getrusage does not exist (Windows, Plan 9): the
// benchmarks' CPU-time metrics then read 0, their wall-time figures stay.
func cpuTime() int64 { return 0 }
