//go:build linux

package bench

import (
	"runtime"
	"testing"
)

func TestPeakRSS(t *testing.T) {
	if !ResetPeakRSS() {
		t.Skip("/proc/self/clear_refs is not writable here")
	}
	before, ok := PeakRSS()
	if !ok {
		t.Fatal("PeakRSS: VmHWM not readable after a reset")
	}
	const size = 64 << 20
	b := make([]byte, size)
	for i := 0; i < len(b); i += 4096 {
		b[i] = 1 // touch every page, so that it is resident
	}
	peak, _ := PeakRSS()
	runtime.KeepAlive(b)
	// The buffer's pages need not all be new to the process: the heap may
	// place it partly on pages that are still resident, and the kernel may
	// reclaim other pages meanwhile (CI saw 99.3 % of the buffer). Half of
	// it is still far above anything else this test allocates.
	if peak-before < size/2 {
		t.Errorf("peak RSS grew by %d bytes over a %d-byte buffer (before %d, peak %d)", peak-before, size, before, peak)
	}
	b = nil
	if !ResetPeakRSS() {
		t.Fatal("second ResetPeakRSS failed")
	}
	if after, _ := PeakRSS(); after >= peak {
		t.Errorf("peak RSS after a reset is %d, not below the %d the freed buffer made", after, peak)
	}
}
