//go:build !unix

package bench

import "time"

// processCPUTime is not available here; Measure falls back to wall time.
func processCPUTime() (time.Duration, bool) { return 0, false }
