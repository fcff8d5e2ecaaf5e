package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/stmotion/stmotion/bench"
)

func init() {
	registerBench("peak-rss", "peak memory of one stmotion command run alone, in a process of its own (Linux)", runBenchPeakRSS)
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
	if asksForHelp(args) {
		if len(args) == 0 {
			fmt.Fprint(stderr, benchPeakRSSUsage)
			return exitError{code: 2}
		}
		fmt.Fprint(stdout, benchPeakRSSUsage)
		return nil
	}
	if _, ok := bench.PeakRSS(); !ok {
		return errors.New("bench peak-rss: the peak resident set size cannot be read here (Linux's /proc/self/status)")
	}
	if err := Run(ctx, args, stdout, stderr); err != nil {
		return err
	}
	peak, ok := bench.PeakRSS()
	if !ok {
		return errors.New("bench peak-rss: /proc/self/status: no VmHWM")
	}
	fmt.Fprintf(stderr, "peak RSS: %d bytes (%.1f MB)\n", peak, float64(peak)/1e6)
	return nil
}
