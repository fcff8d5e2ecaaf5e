//go:build !linux

package bench

// ResetPeakRSS is not available here (false): the kernel's peak resident
// set size cannot be reset.
func ResetPeakRSS() bool { return false }

// PeakRSS is not available here (false).
func PeakRSS() (peak_bytes int64, ok bool) { return 0, false }
