package export

import "syscall"

// adviseHuge asks for transparent huge pages behind b (whole huge pages,
// starting on a boundary). An error (transparent huge pages compiled out
// or set to "never") only leaves b with ordinary pages.
func adviseHuge(b []byte) {
	if len(b) > 0 {
		_ = syscall.Madvise(b, syscall.MADV_HUGEPAGE)
	}
}
