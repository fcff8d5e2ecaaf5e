// Package version says which stmotion a binary is: the module version and
// the version-control revision it was built from, as the Go toolchain
// records them in the binary (runtime/debug.ReadBuildInfo). The outputs
// carry it (summary.json's stmotion_version, the Parquet files'
// created_by), so that a dataset grown over months says which version
// wrote which game, and `stmotion version` prints it for bug reports.
//
// What the toolchain records: `go install module@version` the release
// ("v1.2.0"), without revision; `go build` in a git checkout (Go 1.24
// on) a pseudo-version naming the commit ("v0.0.0-20261128000336-
// 67d03aa7b26f", "+dirty" with uncommitted changes) and the revision,
// its time and whether the tree was modified; `go run`, `go test` and a
// build with -buildvcs=false "(devel)" and nothing more. A program that
// imports stmotion's packages gets the stmotion version it depends on
// (its go.mod's), not its own.
//
// Invariant: Get reads the build information once; the same binary
// always gives the same strings, so outputs stay deterministic.
package version
