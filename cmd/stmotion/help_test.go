package main

import (
	"bytes"
	"context"
	"maps"
	"slices"
	"strings"
	"testing"
)

// TestHelp: help asked for (-h, --help, "stmotion help X") is the
// command's help on stdout with exit status 0, so that "stmotion analyze
// -h | less" pages it (it went to stderr); "help X" is "X -h" (it printed
// the top-level usage whatever X was, and "help bogus" exited 0). Each
// help leads with the usage line and a synopsis of a few lines, then the
// flags, then the reference under "Details:" (analyze's flags had started
// on line 212, live's on 173).
func TestHelp(t *testing.T) {
	run := func(args ...string) (stdout, stderr string, err error) {
		var o, e bytes.Buffer
		err = Run(context.Background(), args, &o, &e)
		return o.String(), e.String(), err
	}
	var names [][]string
	for _, n := range slices.Sorted(maps.Keys(commands)) {
		names = append(names, []string{n})
	}
	for _, n := range slices.Sorted(maps.Keys(benchCommands)) {
		names = append(names, []string{"bench", n})
	}
	for _, name := range names {
		cmd := strings.Join(name, " ")
		want, stderr, err := run(slices.Concat(name, []string{"-h"})...)
		if err != nil || stderr != "" {
			t.Errorf("stmotion %s -h: %v, stderr %q; want exit status 0 and the help on stdout", cmd, err, stderr)
			continue
		}
		if !strings.HasPrefix(want, "Usage: stmotion "+cmd) {
			t.Errorf("stmotion %s -h: stdout starts %.60q, want the usage line", cmd, want)
		}
		for _, args := range [][]string{slices.Concat(name, []string{"--help"}), append([]string{"help"}, name...)} {
			got, stderr, err := run(args...)
			if err != nil || stderr != "" || got != want {
				t.Errorf("stmotion %s: %v, stderr %q, stdout %d bytes; want exit status 0 and the %d bytes of -h on stdout", strings.Join(args, " "), err, stderr, len(got), len(want))
			}
		}
		if len(name) == 2 {
			if got, _, err := run("bench", "help", name[1]); err != nil || got != want {
				t.Errorf("stmotion bench help %s: %v; want the help of 'bench %s -h'", name[1], err, name[1])
			}
		}
		lines := strings.Split(want, "\n")
		flags, details := slices.Index(lines, "Flags:"), slices.Index(lines, "Details:")
		if flags < 0 && details < 0 && len(lines) <= 20 {
			continue // short, without flags: bench's list of benchmarks
		}
		if flags < 0 {
			if cmd != "bench peak-rss" { // no flags of its own
				t.Errorf("stmotion %s -h: no Flags: line", cmd)
			}
			flags = details
		}
		// The usage line(s), a blank line, a synopsis of a few lines, a
		// blank line.
		if flags < 4 || flags > 14 {
			t.Errorf("stmotion %s -h: the flags start on line %d, want them after a synopsis of a few lines:\n%s", cmd, flags+1, strings.Join(lines[:min(flags+1, 30)], "\n"))
		}
		if details >= 0 && details < flags {
			t.Errorf("stmotion %s -h: Details: on line %d, before the flags (line %d)", cmd, details+1, flags+1)
		}
	}

	// The top level: help asked for is stdout's (0); no command, or
	// help for one that does not exist, is a bad command line (2), its
	// usage on stderr.
	for _, c := range []struct {
		args []string
		code int
		msg  string // on stderr
	}{
		{nil, 2, "Usage: stmotion <command>"},
		{[]string{"help"}, 0, ""},
		{[]string{"-h"}, 0, ""},
		{[]string{"--help"}, 0, ""},
		{[]string{"help", "-h"}, 0, ""},
		{[]string{"help", "--help"}, 0, ""},
		{[]string{"help", "bogus"}, 2, `stmotion: unknown command "bogus"`},
		{[]string{"help", "analyze", "extra"}, 2, "stmotion help: want one command"},
		{[]string{"help", "bench", "bogus"}, 2, `stmotion bench: unknown benchmark "bogus"`},
		{[]string{"bench"}, 2, "Usage: stmotion bench <benchmark>"},
		{[]string{"bench", "help"}, 0, ""},
		{[]string{"bench", "-h"}, 0, ""},
		{[]string{"help", "bench"}, 0, ""},
		{[]string{"bench", "help", "bogus"}, 2, `stmotion bench: unknown benchmark "bogus"`},
	} {
		stdout, stderr, err := run(c.args...)
		if code := exitCode(err); code != c.code || !strings.Contains(stderr, c.msg) {
			t.Errorf("stmotion %s: exit %d, stderr %q; want %d and %q", strings.Join(c.args, " "), code, stderr, c.code, c.msg)
		}
		if c.code == 0 && (stderr != "" || !strings.HasPrefix(stdout, "stmotion turns") && !strings.HasPrefix(stdout, "Usage: stmotion bench")) {
			t.Errorf("stmotion %s: stdout %.40q, stderr %q; want the usage on stdout", strings.Join(c.args, " "), stdout, stderr)
		}
		if c.code != 0 && stdout != "" {
			t.Errorf("stmotion %s: stdout %q; want nothing there", strings.Join(c.args, " "), stdout)
		}
	}
}
