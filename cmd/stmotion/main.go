// Command stmotion turns ShotTracker player- and ball-tracking feeds into
// movement analytics. Run "stmotion help" for the subcommands.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/stmotion/stmotion/decode"
)

func main() {
	// A stdout whose reader has gone (| head, a log shipper that died)
	// is a write that fails (EPIPE), as a full disk's: Run says so on
	// stderr, exit status 1, and live records on. Without a Notify for
	// SIGPIPE the Go runtime ends the process at the first such write to
	// fd 1 or 2 (status 141, nothing said): live died at the next result
	// line, its next live id never joined. Notify, not Ignore: a handled
	// signal is reset to the default in the processes this one starts
	// (bench peak-rss), an ignored one would be inherited. The channel
	// is never read: nothing is to be done at the signal but the EPIPE.
	signal.Notify(make(chan os.Signal, 1), syscall.SIGPIPE)
	ctx, stop := signalContext()
	err := Run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		var ee exitError
		if errors.As(err, &ee) {
			os.Exit(ee.code)
		}
		// An error may quote the input (a live id, a path): escaped.
		fmt.Fprintln(os.Stderr, "stmotion:", decode.Printable(err.Error()))
		os.Exit(1)
	}
}

// signalContext is a context cancelled at the first SIGINT or SIGTERM
// (later ones are ignored until stop), as signal.NotifyContext's, with a
// cause that names the signal (context.Cause; it matches
// context.Canceled): live's result line says "interrupted (SIGTERM)" for
// a service manager's stop, not Ctrl-C.
func signalContext() (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancelCause(context.Background())
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	go func() {
		select {
		case s := <-ch:
			cancel(signalCause{s})
		case <-ctx.Done():
		}
	}()
	return ctx, func() {
		signal.Stop(ch)
		cancel(context.Canceled)
	}
}

// signalCause is the cause of signalContext's cancellation.
type signalCause struct{ sig os.Signal }

func (c signalCause) Error() string {
	switch c.sig {
	case os.Interrupt:
		return "SIGINT, Ctrl-C"
	case syscall.SIGTERM:
		return "SIGTERM"
	}
	return c.sig.String()
}

func (c signalCause) Is(target error) bool { return target == context.Canceled }
