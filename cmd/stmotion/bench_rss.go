package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"

	"github.com/stmotion/stmotion/bench"
)

func init() {
	registerBench("peak-rss", "peak resident memory of one stmotion command run alone (Linux)", runBenchPeakRSS)
}

// benchPeakRSSHelp is 'bench peak-rss -h': no flags of its own, the
// synopsis, then the reference.
var benchPeakRSSHelp = help{
	usage: `Usage: stmotion bench peak-rss <command> [flags] [args]

Runs one stmotion command, such as 'analyze --quiet --images=false game',
and then prints on stderr the process's peak resident set size since it
started (Linux: the kernel's VmHWM), as "peak RSS: N bytes (M MB)": the
memory a lone run of the command needs from the machine, the Go runtime
included, as /usr/bin/time -f %M reports it. The command's own output and
errors are kept; if it fails, no peak is printed.
`,
	details: `'bench pipeline --scale' runs it in child processes to compare the memory
a short and a long game need. Within one process a run's peak sits on the
floor the runs before it left resident, and a child's rusage is no
substitute: Go starts child processes with vfork, and Linux counts the
parent's peak in the child's ru_maxrss.
`,
}

func runBenchPeakRSS(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	// No flags of its own: parsing stops at the command, whose flags are
	// its own wherever they are (not interspersed, as every other
	// command's), and a flag before it is an error as in every benchmark.
	fs := flag.NewFlagSet("bench peak-rss", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { writeHelp(stdout, fs, benchPeakRSSHelp) }
	if err := parseLeadingFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usageError(fs, errors.New("want a command to run, such as analyze --quiet --images=false game"))
	}
	if _, ok := bench.PeakRSS(); !ok {
		return errors.New("bench peak-rss: the peak resident set size cannot be read here (Linux's /proc/self/status)")
	}
	if err := Run(ctx, fs.Args(), stdout, stderr); err != nil {
		return err
	}
	peak, ok := bench.PeakRSS()
	if !ok {
		return errors.New("bench peak-rss: /proc/self/status: no VmHWM")
	}
	fmt.Fprintf(stderr, "peak RSS: %d bytes (%.1f MB)\n", peak, float64(peak)/1e6)
	return nil
}

// peakRSSLine is what 'stmotion bench peak-rss' prints last.
var peakRSSLine = regexp.MustCompile(`(?m)^peak RSS: ([0-9]+) bytes`)

// childPeakRSS runs 'stmotion args...' in a child process of this binary,
// as 'stmotion bench peak-rss args...', and returns the peak RSS the child
// read from its own VmHWM: what a lone run needs, on no floor this
// process raised. (The child's rusage would not do: Go starts it with
// vfork, and Linux counts this process's peak in the child's ru_maxrss.)
//
// This is the re-exec hook of bench.PipelineOptions.LonePeakRSS
// (lonePeakRSS): it stays in main because only the stmotion binary can run
// stmotion commands. Under go test the binary is the test binary, which
// TestMain runs as stmotion in such a child.
func childPeakRSS(ctx context.Context, args ...string) (peak_bytes int64, err error) {
	exe, err := os.Executable()
	if err != nil {
		return 0, err
	}
	args = append([]string{"bench", "peak-rss"}, args...)
	cmd := exec.CommandContext(ctx, exe, args...)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = io.Discard, &stderr
	err = cmd.Run()
	m := peakRSSLine.FindAllSubmatch(stderr.Bytes(), -1)
	if err != nil || m == nil {
		return 0, fmt.Errorf("%s %s: %v: %s", exe, strings.Join(args, " "), err, bytes.TrimSpace(stderr.Bytes()))
	}
	return strconv.ParseInt(string(m[len(m)-1][1]), 10, 64)
}
