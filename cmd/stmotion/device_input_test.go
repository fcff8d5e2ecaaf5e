//go:build unix

package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A bundle whose messages file is a link to /dev/zero (an endless line
// without a newline) fails at once, naming the file, in analyze and
// inspect: it used to be read forever.
func TestDeviceRecordingRefused(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero")
	}
	dir := t.TempDir()
	b := shortBundle(t, dir, "zb")
	msgs := filepath.Join(b, "messages.jsonl")
	if err := os.Remove(msgs); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/dev/zero", msgs); err != nil {
		t.Skip(err)
	}
	for _, args := range [][]string{
		{"analyze", "--quiet", "--images=false", "--out", t.TempDir(), b},
		{"inspect", b},
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		var o, e bytes.Buffer
		err := Run(ctx, args, &o, &e)
		timedOut := ctx.Err() != nil
		cancel()
		if timedOut {
			t.Fatalf("%s: still reading /dev/zero after 20 s", args[0])
		}
		if exitCode(err) != 1 || !strings.Contains(e.String(), msgs+" is a character device") {
			t.Errorf("%s: exit status %d (err %v), stderr:\n%s\nwant 1 and an error naming %s as a character device", args[0], exitCode(err), err, e.String(), msgs)
		}
	}
}
