//go:build (amd64 && go1.17 && !go1.28) || (arm64 && go1.20 && !go1.28)

package bench

import (
	"fmt"

	"github.com/bytedance/sonic"
)

// newSonic returns sonic's default API (sonic.Unmarshal) behind the same
// wire struct as the other reflection-style peers. sonic JIT-compiles its
// decoders on first use; a failure there is reported, not fatal.
func newSonic() (dec Decoder, err error) {
	defer func() {
		if r := recover(); r != nil {
			dec, err = nil, fmt.Errorf("sonic panicked on this machine: %v", r)
		}
	}()
	var w wireMessage
	if err := sonic.Unmarshal([]byte(`{"type":"location","data":{"occurred_at":1,"type":"PLAYER","id":2,"x":3,"y":4,"z":5}}`), &w); err != nil {
		return nil, fmt.Errorf("sonic does not work on this machine: %w", err)
	}
	if w.Data.Z_mm != 5 {
		return nil, fmt.Errorf("sonic decoded a test message wrongly on this machine")
	}
	return &wireDecoder{unmarshal: sonic.Unmarshal}, nil
}
