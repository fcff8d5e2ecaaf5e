package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"slices"
)

// help is a command's -h text, in the order a user reads it: the usage
// line and a synopsis of a few lines (what the command does, its inputs
// and outputs), then the flags, then the reference (the rules a user
// looks up: ids, lock files, exit statuses, ...) under "Details:". The
// reference had come first, and analyze's flags started on line 212.
type help struct {
	usage   string // "Usage: ..." lines, a blank line and the synopsis
	details string // after the flags; "" for none
}

// writeHelp writes h with fs's flags to w. Help asked for (-h, "stmotion
// help X") goes to stdout, so that "stmotion analyze -h | less" pages it;
// a bad command line gets one line and a pointer at -h on stderr
// (usageError), never the help.
func writeHelp(w io.Writer, fs *flag.FlagSet, h help) {
	fmt.Fprint(w, h.usage)
	hasFlags := false
	fs.VisitAll(func(*flag.Flag) { hasFlags = true })
	if hasFlags {
		fmt.Fprint(w, "\nFlags:\n")
		out := fs.Output()
		fs.SetOutput(w)
		fs.PrintDefaults()
		fs.SetOutput(out)
	}
	if h.details != "" {
		fmt.Fprint(w, "\nDetails:\n\n", h.details)
	}
}

// runHelp is "stmotion help [command [benchmark]]": the usage without a
// command, else the command's help, as "stmotion command -h" prints it
// (stdout, exit status 0). A command that does not exist is refused as
// "stmotion command" refuses it (exit status 2).
func runHelp(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || len(args) == 1 && slices.Contains([]string{"help", "-h", "--help", "-help"}, args[0]) {
		usage(stdout)
		return nil
	}
	if _, ok := commands[args[0]]; !ok {
		return unknownCommand(stderr, args[0])
	}
	if len(args) > 2 || len(args) == 2 && args[0] != "bench" {
		fmt.Fprintf(stderr, "stmotion help: want one command (bench: and one benchmark), not %q\nRun 'stmotion help' for the commands.\n", args)
		return exitError{code: 2}
	}
	return Run(ctx, append(args[:len(args):len(args)], "-h"), stdout, stderr)
}

// unknownCommand refuses a command that does not exist: exit status 2,
// the commands listed on stderr.
func unknownCommand(stderr io.Writer, name string) error {
	fmt.Fprintf(stderr, "stmotion: unknown command %q\n\n", name)
	usage(stderr)
	return exitError{code: 2}
}
