package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/stmotion/stmotion/bench"
)

func init() {
	registerBench("peak-rss", "peak resident memory of one stmotion command run alone (Linux)", runBenchPeakRSS)
}

const benchPeakRSSUsage = `Usage: stmotion bench peak-rss <command> [flags] [args]

Runs one stmotion command, such as 'analyze --quiet --images=false game',
and then prints on stderr the process's peak resident set size since it
started (Linux: the kernel's VmHWM), as "peak RSS: N bytes (M MB)": the
memory a lone run of the command needs from the machine, the Go runtime
included, as /usr/bin/time -f %M reports it. The command's own output and
errors are kept; if it fails, no peak is printed.

'bench pipeline --scale' runs it in child processes to compare the memory
a short and a long game need. Within one process a run's peak sits on the
floor the runs before it left resident, and a child's rusage is no
substitute: Go starts child processes with vfork, and Linux counts the
parent's peak in the child's ru_maxrss.
`

func runBenchPeakRSS(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	// No flags of its own: parsing stops at the command, whose flags are
	// its own, and a flag before it is an error as in every benchmark.
	fs := flag.NewFlagSet("bench peak-rss", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(fs.Output(), benchPeakRSSUsage) }
	if err := parseFlags(fs, args); err != nil {
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
