//go:build !((amd64 && go1.17 && !go1.28) || (arm64 && go1.20 && !go1.28))

package bench

import (
	"fmt"
	"runtime"
)

// newSonic reports that sonic is not built here: outside these platforms
// and Go versions sonic falls back to encoding/json, which would be
// measured under sonic's name.
func newSonic() (Decoder, error) {
	return nil, fmt.Errorf("sonic has no native build for %s/%s with %s", runtime.GOOS, runtime.GOARCH, runtime.Version())
}
