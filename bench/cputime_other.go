//go:build !unix

package bench

import "time"

// ProcessCPUTime is not available here (false); Measure falls back to wall
// time.
func ProcessCPUTime() (time.Duration, bool) { return 0, false }
