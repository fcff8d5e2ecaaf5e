//go:build linux

package bench

import (
	"bytes"
	"os"
	"runtime/debug"
	"strconv"
)

// ResetPeakRSS returns the heap the process has freed to the operating
// system (debug.FreeOSMemory) and resets the kernel's record of the peak
// resident set size (VmHWM) to the current one, so that PeakRSS then
// reports the peak of what runs after the call: the memory a lone run
// would need from the machine, Go heap, stacks and runtime included. It
// reports false where that is not possible (PeakRSS then still reports the
// peak since the process started).
func ResetPeakRSS() bool {
	debug.FreeOSMemory()
	// Writing 5 to clear_refs resets VmHWM (Linux 4.0 and later).
	return os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
}

// PeakRSS returns the peak resident set size of the process in bytes,
// since it started or since the last ResetPeakRSS, and false where it
// cannot be read.
func PeakRSS() (peak_bytes int64, ok bool) {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, false
	}
	for line := range bytes.Lines(status) {
		rest, found := bytes.CutPrefix(line, []byte("VmHWM:"))
		if !found {
			continue
		}
		// "VmHWM:	   12345 kB"
		kb, err := strconv.ParseInt(string(bytes.TrimSuffix(bytes.TrimSpace(rest), []byte(" kB"))), 10, 64)
		if err != nil {
			return 0, false
		}
		return kb << 10, true
	}
	return 0, false
}
