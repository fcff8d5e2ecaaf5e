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
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
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
