package bench

import (
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// createCost creates n empty files in a new directory dir and returns the
// process CPU time per file, false where that cannot be measured. On ext4
// it depends on the directory's block group far more than on stmotion (on
// the project's machine, 0.8–1 ms of CPU per file under /tmp, against
// 25–35 µs under another directory of the same file system, the same
// hour). The files stay until the benchmark's directory is removed:
// removing them would make the next creations dearer (see runner.newOut).
func createCost(dir string, n int) (time.Duration, bool) {
	if err := os.Mkdir(dir, 0o755); err != nil {
		return 0, false
	}
	c0, ok0 := ProcessCPUTime()
	for i := range n {
		f, err := os.Create(filepath.Join(dir, strconv.Itoa(i)))
		if err != nil {
			return 0, false
		}
		f.Close()
	}
	c1, ok1 := ProcessCPUTime()
	if !ok0 || !ok1 {
		return 0, false
	}
	return (c1 - c0) / time.Duration(n), true
}

// countFiles counts the regular files under dir (0 for "" or an error).
func countFiles(dir string) int {
	if dir == "" {
		return 0
	}
	n := 0
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			n++
		}
		return nil
	})
	return n
}
