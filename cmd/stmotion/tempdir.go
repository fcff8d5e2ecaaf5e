package main

import (
	"fmt"
	"os"
	"runtime"
)

// makeTempDir is os.MkdirTemp("", pattern) for what (the command and
// what the directory is for: "mock: built-in sample"), its error saying
// that a temporary directory was wanted, which, and what sets it: in a
// container without /tmp, or with a TMPDIR that names none, mock, live
// --demo and bench pipeline had said only "stat /nonexistent: no such
// file or directory". Exit status 1, as for any setup that fails once
// the command line is taken. or, when not empty, is the command's own way
// around it ("or give --dir").
func makeTempDir(what, pattern, or string) (string, error) {
	dir, err := os.MkdirTemp("", pattern)
	if err != nil {
		fix := tempDirFix()
		if or != "" {
			fix += ", " + or
		}
		return "", fmt.Errorf("%s: no temporary directory: %s: %w (%s)", what, tempDirSource(), err, fix)
	}
	return dir, nil
}

// tempDirSource names the temporary directory and what set it.
func tempDirSource() string {
	switch {
	case runtime.GOOS == "windows":
		return os.TempDir() + " (from %TMP%, %TEMP% or %USERPROFILE%)"
	case os.Getenv("TMPDIR") != "":
		return os.TempDir() + " (from $TMPDIR)"
	}
	return os.TempDir() + " ($TMPDIR is not set)"
}

// tempDirFix says how to give another temporary directory.
func tempDirFix() string {
	if runtime.GOOS == "windows" {
		return "set TMP to a directory this user can write in"
	}
	return "set TMPDIR to a directory this user can write in"
}
