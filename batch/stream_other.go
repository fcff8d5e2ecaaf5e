//go:build !unix

package batch

// unblockOpen does nothing where named pipes are not files (see the unix
// version).
func unblockOpen(string) {}
