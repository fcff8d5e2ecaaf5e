package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"slices"
	"sync"
	"syscall"
)

// command is one subcommand. Each lives in its own file with its own
// flag.FlagSet and registers itself from that file's init function.
type command struct {
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

// commands holds the registered subcommands by name.
var commands = map[string]command{}

func register(name, summary string, run func(ctx context.Context, args []string, stdout, stderr io.Writer) error) {
	commands[name] = command{summary: summary, run: run}
}

// exitError carries an exit status for errors already reported to stderr.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// Run runs the stmotion command line with args (without the program name).
// It is what main calls, and what tests call instead of a subprocess.
//
// Output lost on stdout is an error: a write that fails (a full disk, a
// stdout open read-only, a pipe whose reader has gone: main has the
// runtime return EPIPE rather than end the process with SIGPIPE; on
// Windows a closed one) is reported on stderr
// once the command has returned, as "stmotion <command>: stdout: ..."
// (the first error), and makes exit status 1 of a command that would
// have ended 0. A report or result line lost had ended 0, and a script
// read nothing, or half, as success. (On Unix a stdout closed at the
// start, >&-, is not seen: the Go runtime opens /dev/null in its place,
// as a shell's >/dev/null would, before main runs.) Help is the
// exception: help whose reader has gone (stmotion help | head, a pager
// quit early) ends 0 without a word.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if _, ok := stdout.(*outputWriter); ok {
		// Run within Run (bench peak-rss): the outer one checks.
		return run(ctx, args, stdout, stderr)
	}
	out := &outputWriter{w: stdout}
	err := run(ctx, args, out, stderr)
	werr := out.Err()
	if werr == nil {
		return err
	}
	if err == nil && errors.Is(werr, syscall.EPIPE) && asksForHelp(args) {
		// Help read into a pager or head that stopped early: what the
		// reader wanted it had.
		return nil
	}
	name := "stmotion"
	if _, ok := commands[args[0]]; ok || args[0] == "help" { // args: something was written
		name += " " + args[0]
	}
	fmt.Fprintf(stderr, "%s: stdout: %v (its output is lost or incomplete)\n", name, werr)
	if err == nil || errors.Is(err, werr) {
		return exitError{code: 1}
	}
	return err
}

// asksForHelp reports whether args ask for help (stmotion help ..., or -h,
// -help or --help before a "--"), which prints nothing else.
func asksForHelp(args []string) bool {
	if len(args) == 0 || args[0] == "help" {
		return true
	}
	for _, a := range args {
		switch a {
		case "--":
			return false
		case "-h", "-help", "--help":
			return true
		}
	}
	return false
}

// outputWriter is stdout that keeps the first write error (Err); it is
// safe for concurrent use as far as w is.
type outputWriter struct {
	w   io.Writer
	mu  sync.Mutex
	err error
}

func (o *outputWriter) Write(p []byte) (int, error) {
	n, err := o.w.Write(p)
	if err != nil {
		// Every failure returns the first: a command returning the error
		// of a later write (its own wrapping of it) is that same failure,
		// which Run reports once (a broken pipe fails each write with an
		// error of its own).
		o.mu.Lock()
		if o.err == nil {
			o.err = err
		}
		err = o.err
		o.mu.Unlock()
	}
	return n, err
}

// Err is the first error a Write returned, nil if none; every failed
// Write returns it.
func (o *outputWriter) Err() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.err
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		// No command is a bad command line: the usage on stderr, exit
		// status 2. Help asked for is stdout's, with status 0.
		usage(stderr)
		return exitError{code: 2}
	}
	switch args[0] {
	case "-h", "--help", "-help":
		usage(stdout)
		return nil
	case "help":
		return runHelp(ctx, args[1:], stdout, stderr)
	case "--version", "-version":
		return runVersion(ctx, args[1:], stdout, stderr)
	}
	c, ok := commands[args[0]]
	if !ok {
		return unknownCommand(stderr, args[0])
	}
	err := c.run(ctx, args[1:], stdout, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	return err
}

// parseFlags parses a subcommand's flags, wherever they are among its
// arguments (interspersed: "analyze g05 --add --out season" is
// "analyze --add --out season g05"); fs.Args() is then the arguments, in
// their order. The flag package alone stops at the first argument, and
// the flags after it were taken as inputs: a run went to the default
// --out, searched --out as a recording, and with --add left failed[]
// entries named "--add" in the dataset's summary.json. "--" ends the
// flags (an input named like a flag: "-- -odd.jsonl"), and "-" (standard
// input) is an argument.
//
// -h prints the command's help (fs.Usage, which writes it to stdout:
// writeHelp) and is flag.ErrHelp, which Run turns into status 0. A bad command line (a flag not defined, a value
// that does not parse), wherever the flag is, is exit status 2, as every
// subcommand documents, before any work, after the flag package's
// one-line error and a line pointing at -h (helpHint): the whole usage,
// tens of lines, scrolled the error out of sight.
func parseFlags(fs *flag.FlagSet, args []string) error {
	return parseLeadingFlags(fs, flagsFirst(fs, args))
}

// parseLeadingFlags is parseFlags for the flags before the first
// argument only, as the flag package parses: everything from the first
// argument on is fs.Args(). It is for bench peak-rss, whose arguments are
// a command line of their own, flags and all.
func parseLeadingFlags(fs *flag.FlagSet, args []string) error {
	usage := fs.Usage
	fs.Usage = func() {} // the flag package calls it for -h and for errors alike
	// The flag package prints its errors bare ("flag provided but not
	// defined: -x"): they are printed here, named as the command's own
	// are ("stmotion analyze: ...").
	out := fs.Output()
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	fs.SetOutput(out)
	fs.Usage = usage
	switch {
	case err == nil:
		return nil
	case errors.Is(err, flag.ErrHelp):
		if usage != nil {
			usage()
		} else {
			fs.PrintDefaults()
		}
		return err
	}
	fmt.Fprintf(out, "stmotion %s: %v\n%s\n", fs.Name(), err, helpHint(fs))
	return exitError{code: 2}
}

// helpHint is the line that follows a command-line error: where the
// command's flags are described.
func helpHint(fs *flag.FlagSet) string {
	return fmt.Sprintf("Run 'stmotion %s -h' for its usage and flags.", fs.Name())
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "stmotion turns ShotTracker player- and ball-tracking feeds into movement analytics.")
	fmt.Fprintln(w, "\nUsage: stmotion <command> [flags] [args]\n\nCommands:")
	listCommands(w, commands)
	fmt.Fprintln(w, "\nFlags may come before, between or after the args; -- ends the flags (an input named")
	fmt.Fprintln(w, "like a flag: -- -odd.jsonl). Run 'stmotion help <command>' (or 'stmotion <command> -h')")
	fmt.Fprintln(w, "for a command's usage and flags. Output that cannot be written to stdout (a full disk, a")
	fmt.Fprintln(w, "pipe whose reader has gone: | head) is an error: said on stderr, exit status 1; help")
	fmt.Fprintln(w, "read into | head or a pager quit early is not.")
}

// listCommands prints the commands of cmds sorted by name, one a line with
// its summary.
func listCommands(w io.Writer, cmds map[string]command) {
	for _, n := range slices.Sorted(maps.Keys(cmds)) {
		fmt.Fprintf(w, "  %-9s %s\n", n, cmds[n].summary)
	}
}
