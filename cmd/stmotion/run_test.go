package main

import (
	"bytes"
	"context"
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"
)

// TestBadCommandLineExitStatus: every subcommand (and every benchmark)
// exits with status 2 for a flag it does not define or a flag value that
// does not parse, as their usages say, with the flag package's message
// on stderr; so do an unknown command and an unknown benchmark. (live
// and mock returned the flag package's error, which main exits 1 with.)
// A subcommand's error is followed by one line pointing at its -h, not
// by its usage: 155 lines of analyze's scrolled the error out of sight.
func TestBadCommandLineExitStatus(t *testing.T) {
	type bad struct {
		args []string
		msg  string // on stderr
		// noHint: a file the command line names is not usable; the
		// error alone says so (as analyze's --roster); or the command
		// is not known: the list of commands follows
		noHint bool
	}
	var cases []bad
	for _, name := range slices.Sorted(maps.Keys(commands)) {
		if name == "bench" {
			continue // its flags are its benchmarks'
		}
		cases = append(cases, bad{[]string{name, "--bogus"}, "flag provided but not defined: -bogus", false})
	}
	for _, name := range slices.Sorted(maps.Keys(benchCommands)) {
		cases = append(cases, bad{[]string{"bench", name, "--bogus"}, "flag provided but not defined: -bogus", false})
	}
	cases = append(cases,
		bad{[]string{"live", "--flush=abc"}, `invalid value "abc" for flag -flush`, false},
		bad{[]string{"live", "--api", "http://x", "--live-id", "L", "--rate", "x"}, `invalid value "x" for flag -rate`, false},
		bad{[]string{"mock", "--speed", "x"}, `invalid value "x" for flag -speed`, false},
		bad{[]string{"mock", "--speed", "-1"}, "--speed -1: want 0", false},
		bad{[]string{"mock", "--loop", "--end-open"}, "--end-open needs a feed that ends", false},
		// Zero or less had silently meant the default.
		bad{[]string{"live", "--api", "http://x", "--live-id", "L", "--flush=0"}, "--flush 0s: want a positive interval", false},
		bad{[]string{"live", "--api", "http://x", "--live-id", "L", "--part=-1s"}, "--part -1s: want a positive interval", false},
		bad{[]string{"live", "--api", "http://x", "--live-id", "L", "--queue=0"}, "--queue 0: want at least 1 frame", false},
		bad{[]string{"mock", "--conn-timeout=-1s"}, "--conn-timeout -1s: want a positive duration", false},
		bad{[]string{"mock", "--delay=-1s"}, "want 0 (off) or more", false},
		bad{[]string{"mock", "extra"}, `unexpected argument "extra"`, false},
		bad{[]string{"mock", "--court", "/nonexistent/court.json"}, "mock: --court", true},
		bad{[]string{"analyze", "--cell", "0.01", "x"}, "--cell 0.01: want a size from 0.05 to 10 m", false},
		bad{[]string{"analyze", "--cell", "x", "x"}, `invalid value "x" for flag -cell`, false},
		bad{[]string{"nope"}, `unknown command "nope"`, true},
		bad{[]string{"bench", "nope"}, `unknown benchmark "nope"`, true},
	)
	for _, c := range cases {
		var stdout, stderr bytes.Buffer
		err := Run(context.Background(), c.args, &stdout, &stderr)
		var ee exitError
		if !errors.As(err, &ee) || ee.code != 2 {
			t.Errorf("stmotion %s: %v, want exit status 2\nstderr: %s", strings.Join(c.args, " "), err, stderr.String())
			continue
		}
		if !strings.Contains(stderr.String(), c.msg) {
			t.Errorf("stmotion %s: stderr %q, want %q", strings.Join(c.args, " "), stderr.String(), c.msg)
		}
		if c.noHint {
			continue
		}
		name := c.args[0]
		if name == "bench" {
			name += " " + c.args[1]
		}
		hint := "Run 'stmotion " + name + " -h' for its usage and flags.\n"
		if lines := strings.Count(stderr.String(), "\n"); lines != 2 || !strings.HasSuffix(stderr.String(), hint) {
			t.Errorf("stmotion %s: stderr of %d lines:\n%s\nwant the error and %q", strings.Join(c.args, " "), lines, stderr.String(), hint)
		}
		// Every error is the command's, the flag package's too ("flag
		// provided but not defined" had come bare).
		if !strings.HasPrefix(stderr.String(), "stmotion "+name+": ") {
			t.Errorf("stmotion %s: stderr %q, want it to start with %q", strings.Join(c.args, " "), stderr.String(), "stmotion "+name+": ")
		}
	}
}
