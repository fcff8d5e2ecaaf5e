package main

import (
	"os"
	"slices"
	"testing"
)

// asStmotionEnv, set to 1, makes the test binary run as stmotion.
const asStmotionEnv = "STMOTION_TEST_AS_MAIN"

// TestMain lets the code under test start this binary as stmotion: 'bench
// pipeline --scale' runs 'stmotion analyze' in child processes of
// os.Executable(), which under go test is the test binary. The variable
// is set for the tests, so such a child, inheriting it, runs main with its
// arguments instead of the tests; but for the workers go test -fuzz
// starts (which inherit it too), which run the fuzz target.
func TestMain(m *testing.M) {
	if os.Getenv(asStmotionEnv) == "1" && !slices.Contains(os.Args[1:], "-test.fuzzworker") {
		main() // exits with the status stmotion would on an error
		os.Exit(0)
	}
	os.Setenv(asStmotionEnv, "1")
	os.Exit(m.Run())
}
