package live

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stmotion/stmotion/decode"
)

// A recording without a size (a device, as a messages.jsonl linked to
// /dev/zero; a pipe) holds nothing to go on from, as the re-join's replay
// takes it: recordedNext does not read it (it read without end, and the
// join never started).
func TestRecordedNextSkipsDevice(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip(err)
	}
	dir := t.TempDir()
	if err := os.Symlink("/dev/zero", filepath.Join(dir, decode.BundleMessages)); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	var next string
	var err error
	go func() {
		next, err = recordedNext(dir, "a")
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("recordedNext still reading /dev/zero after 10 s")
	}
	if next != "" || err != nil {
		t.Errorf("recordedNext of /dev/zero: %q, %v; want nothing", next, err)
	}
}
