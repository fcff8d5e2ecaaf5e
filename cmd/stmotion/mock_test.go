package main

import (
	"bufio"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stmotion/stmotion/live"
	"github.com/stmotion/stmotion/live/mock"
)

// runMockCLI starts `stmotion mock args...` and returns its first stdout
// line, and a stop function that ends it and returns Run's error.
func runMockCLI(t *testing.T, args ...string) (string, func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := Run(ctx, append([]string{"mock"}, args...), pw, io.Discard)
		pw.CloseWithError(io.EOF)
		done <- err
	}()
	first, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		cancel()
		t.Fatalf("stmotion mock %v: no first line: %v (Run: %v)", args, err, <-done)
	}
	go io.Copy(io.Discard, pr)
	stop := func() error {
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(10 * time.Second):
			t.Fatal("stmotion mock did not stop after cancel")
			return nil
		}
	}
	return strings.TrimSpace(first), stop
}

// parseFirstLine splits "<url> live_id=<id> ws=<ws url> auth=<mode>".
func parseFirstLine(t *testing.T, line string) (base, liveID, ws, auth string) {
	t.Helper()
	f := strings.Fields(line)
	if len(f) != 4 || !strings.HasPrefix(f[0], "http://127.0.0.1:") {
		t.Fatalf("first line %q: want <url> live_id=<id> ws=<url> auth=<mode>", line)
	}
	kv := map[string]string{}
	for _, s := range f[1:] {
		k, v, _ := strings.Cut(s, "=")
		kv[k] = v
	}
	return f[0], kv["live_id"], kv["ws"], kv["auth"]
}

func TestMockCommand(t *testing.T) {
	dir := t.TempDir()
	if err := mock.WriteTinyBundle(dir); err != nil {
		t.Fatal(err)
	}
	line, stop := runMockCLI(t, "--bundle", dir, "--listen", "127.0.0.1:0", "--speed", "0")
	base, id, ws, auth := parseFirstLine(t, line)
	if id != mock.TinyLiveID || !strings.HasPrefix(ws, "ws://127.0.0.1:") || auth != "hmac" {
		t.Errorf("first line %q: live id %q ws %q auth %q", line, id, ws, auth)
	}
	c, err := live.NewClient(live.ClientConfig{BaseURL: base, Credentials: live.Credentials{Username: mock.DefaultUsername, Secret: mock.DefaultSecret}})
	if err != nil {
		t.Fatal(err)
	}
	info, err := c.LiveInfo(context.Background(), id)
	if err != nil || info.Teams[0].Live.ID != id {
		t.Errorf("LiveInfo from the CLI mock: %+v %v", info, err)
	}
	if err := stop(); err != nil {
		t.Errorf("stop: %v", err)
	}
}

func TestMockCommandSample(t *testing.T) {
	if testing.Short() {
		t.Skip("generates the built-in sample game")
	}
	line, stop := runMockCLI(t, "--listen", "127.0.0.1:0", "--no-auth")
	base, id, _, auth := parseFirstLine(t, line)
	if id == "" || auth != "none" {
		t.Errorf("first line %q", line)
	}
	c, _ := live.NewClient(live.ClientConfig{BaseURL: base, Credentials: live.Credentials{Username: "any", Secret: "any"}})
	sub, err := c.Subscribe(context.Background(), id, live.DataLocations)
	if err != nil || sub.Token == "" || len(sub.Teams) != 2 {
		t.Errorf("Subscribe from the sample mock: %+v %v", sub, err)
	}
	if err := stop(); err != nil {
		t.Errorf("stop: %v", err)
	}
}

func TestMockCommandBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"--speed", "-1"},
		{"--data-types", " , "},
		{"--bundle", t.TempDir()},
		{"extra"},
	} {
		if err := Run(context.Background(), append([]string{"mock", "--listen", "127.0.0.1:0"}, args...), io.Discard, io.Discard); err == nil {
			t.Errorf("stmotion mock %v: no error", args)
		}
	}
}
