//go:build !linux

package export

// adviseHuge does nothing: huge pages are asked for on Linux only.
func adviseHuge([]byte) {}
