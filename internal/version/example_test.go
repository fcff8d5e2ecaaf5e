package version_test

import (
	"fmt"

	"github.com/stmotion/stmotion/internal/version"
)

func ExampleInfo() {
	in := version.Info{Version: "v1.2.0", Revision: "67d03aa7b26f5b3ac366b20abed63bd809933fce", Time: "2026-11-28T00:03:36Z"}
	fmt.Println(in)
	fmt.Println(in.CreatedBy())
	// Output:
	// v1.2.0 (revision 67d03aa7b26f5b3ac366b20abed63bd809933fce, 2026-11-28T00:03:36Z)
	// stmotion version v1.2.0 (build 67d03aa7b26f5b3ac366b20abed63bd809933fce)
}
