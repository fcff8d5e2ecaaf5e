package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/stmotion/stmotion/internal/version"
)

func init() {
	register("version", "print the stmotion version and the revision it was built from (also --version)", runVersion)
}

// versionHelp is version's -h: short, without flags or details.
var versionHelp = help{
	usage: `Usage: stmotion version  (or stmotion --version)

Prints on one line the stmotion version, the version-control revision it
was built from when the build recorded one (its time, and "modified" for
a tree with uncommitted changes), and the Go version and platform:
  stmotion v1.2.0 go1.26.8 linux/amd64
A binary built with 'go install github.com/stmotion/stmotion/cmd/stmotion@v1.2.0'
says v1.2.0; 'go build' in a git checkout, a pseudo-version and the
revision; 'go run' and -buildvcs=false, (devel). The same version is in
what analyze and live write: summary.json's stmotion_version (the file's
and each session's) and the Parquet files' created_by ("stmotion version
v1.2.0 (build <revision>)").
`,
}

func runVersion(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("version", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { writeHelp(stdout, fs, versionHelp) }
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError(fs, errors.New("takes no arguments"))
	}
	fmt.Fprintln(stdout, version.Get().Line())
	return nil
}
