package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stmotion/stmotion/live"
	"github.com/stmotion/stmotion/live/mock"
)

// runMockCLI starts `stmotion mock args...` and returns its first stdout
// line, and a stop function that ends it and returns Run's error.
func runMockCLI(t *testing.T, args ...string) (string, func() error) {
	t.Helper()
	first, _, stop := runMockCLILines(t, args...)
	return first, stop
}

// runMockCLILines is runMockCLI that also returns the next stdout lines
// (up to 100 are kept until read).
func runMockCLILines(t *testing.T, args ...string) (string, <-chan string, func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := Run(ctx, append([]string{"mock"}, args...), pw, io.Discard)
		pw.CloseWithError(io.EOF)
		done <- err
	}()
	rd := bufio.NewReader(pr)
	first, err := rd.ReadString('\n')
	if err != nil {
		cancel()
		t.Fatalf("stmotion mock %v: no first line: %v (Run: %v)", args, err, <-done)
	}
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(rd)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			default:
			}
		}
		io.Copy(io.Discard, rd)
	}()
	stop := sync.OnceValue(func() error { // callable again, e.g. deferred
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(10 * time.Second):
			t.Error("stmotion mock did not stop after cancel")
			return nil
		}
	})
	return strings.TrimSpace(first), lines, stop
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

// At --speed > 0, each round the replay clock starts is a line on stdout:
// with --loop, every pass's under new live ids.
func TestMockCommandRounds(t *testing.T) {
	dir := t.TempDir()
	if err := mock.WriteTinyBundle(dir); err != nil {
		t.Fatal(err)
	}
	// The tiny feed lasts 2 s, the loop gap 1 s: 150 ms a pass at 20x.
	first, lines, stop := runMockCLILines(t, "--bundle", dir, "--listen", "127.0.0.1:0", "--speed", "20", "--loop")
	defer stop()
	_, id, _, _ := parseFirstLine(t, first)
	var ids []string
	for pass := 0; pass < 3; pass++ {
		var line string
		select {
		case line = <-lines:
		case <-time.After(5 * time.Second):
			t.Fatalf("no line for pass %d", pass)
		}
		var p, k int
		var liveID string
		var at int64
		if n, err := fmt.Sscanf(line, "round pass=%d index=%d live_id=%s started_at=%d", &p, &k, &liveID, &at); n != 4 || err != nil || p != pass || k != 0 {
			t.Fatalf("line %q: want round pass=%d index=0 live_id=... started_at=...", line, pass)
		}
		if (pass == 0) != (liveID == id) || slices.Contains(ids, liveID) {
			t.Errorf("pass %d: live id %s (first line's %s; earlier passes' %v)", pass, liveID, id, ids)
		}
		ids = append(ids, liveID)
	}
	if err := stop(); err != nil {
		t.Errorf("stop: %v", err)
	}
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

// --court and --roster give a bare recording the /court body and roster
// it lacks.
func TestMockCommandCourtRoster(t *testing.T) {
	dir := t.TempDir()
	if err := mock.WriteTinyBundle(dir); err != nil {
		t.Fatal(err)
	}
	bare := filepath.Join(t.TempDir(), "rec.jsonl")
	if err := os.Rename(filepath.Join(dir, "messages.jsonl"), bare); err != nil {
		t.Fatal(err)
	}
	courtPath, rosterPath := filepath.Join(dir, "court.json"), filepath.Join(dir, "subscribe.json")
	line, stop := runMockCLI(t, "--bundle", bare, "--court", courtPath, "--roster", rosterPath, "--listen", "127.0.0.1:0", "--speed", "0", "--no-auth")
	base, id, _, _ := parseFirstLine(t, line)
	c, _ := live.NewClient(live.ClientConfig{BaseURL: base, Credentials: live.Credentials{Username: "any", Secret: "any"}})
	want, _ := os.ReadFile(courtPath)
	if got, err := c.Court(context.Background(), id); err != nil || !bytes.Equal(got, bytes.TrimSpace(want)) {
		t.Errorf("Court: %s %v, want the --court file", got, err)
	}
	if sub, err := c.Subscribe(context.Background(), id, live.DataLocations); err != nil || len(sub.Teams) != 2 {
		t.Errorf("Subscribe: %+v %v, want the --roster's two teams", sub, err)
	}
	if err := stop(); err != nil {
		t.Errorf("stop: %v", err)
	}
	var stderr bytes.Buffer
	var ee exitError
	if err := Run(context.Background(), []string{"mock", "--listen", "127.0.0.1:0", "--bundle", bare, "--roster", courtPath}, io.Discard, &stderr); !errors.As(err, &ee) || ee.code != 2 || !strings.Contains(stderr.String(), "--roster") {
		t.Errorf("a court as --roster: %v, stderr %q; want exit status 2 naming --roster", err, stderr.String())
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
		{"--speed", "0", "--auto-notify"},
		{"--data-types", " , "},
		{"--bundle", t.TempDir()},
		{"extra"},
		{"--log-format", "logfmt"},
	} {
		if err := Run(context.Background(), append([]string{"mock", "--listen", "127.0.0.1:0"}, args...), io.Discard, io.Discard); err == nil {
			t.Errorf("stmotion mock %v: no error", args)
		}
	}
}

// --inactive takes live ids as given (lowercase UUIDs; they match in any
// case): upper-cased like --data-types, none ever matched. --data-types
// is still taken in any case.
func TestMockCommandInactive(t *testing.T) {
	dir := t.TempDir()
	if err := mock.WriteTinyBundle(dir); err != nil {
		t.Fatal(err)
	}
	for _, inactive := range []string{mock.TinyLiveID, strings.ToUpper(mock.TinyLiveID)} {
		line, stop := runMockCLI(t, "--bundle", dir, "--listen", "127.0.0.1:0", "--speed", "0", "--no-auth",
			"--inactive", " "+inactive+" ,", "--data-types", "stats,shots,locations")
		base, id, _, _ := parseFirstLine(t, line)
		c, _ := live.NewClient(live.ClientConfig{BaseURL: base, Credentials: live.Credentials{Username: "any", Secret: "any"},
			Retry: live.RetryPolicy{MaxAttempts: 1}})
		if _, err := c.LiveInfo(context.Background(), id); err == nil || !strings.Contains(err.Error(), "no longer active") {
			t.Errorf("--inactive %s: LiveInfo(%s) = %v, want the 400 no longer active", inactive, id, err)
		}
		if err := stop(); err != nil {
			t.Errorf("stop: %v", err)
		}
	}
	line, stop := runMockCLI(t, "--bundle", dir, "--listen", "127.0.0.1:0", "--speed", "0", "--no-auth", "--data-types", "stats")
	defer stop()
	base, id, _, _ := parseFirstLine(t, line)
	c, _ := live.NewClient(live.ClientConfig{BaseURL: base, Credentials: live.Credentials{Username: "any", Secret: "any"},
		Retry: live.RetryPolicy{MaxAttempts: 1}})
	if _, err := c.Stats(context.Background(), id); err != nil {
		t.Errorf("--data-types stats: Stats: %v, want granted", err)
	}
	if _, err := c.Shots(context.Background(), id); err == nil {
		t.Errorf("--data-types stats: Shots granted, want 403")
	}
}

// With --log-format json, what the mock logs after its start-up lines
// (with -v, every request) is one JSON object per line.
func TestMockCommandLogJSON(t *testing.T) {
	dir := t.TempDir()
	if err := mock.WriteTinyBundle(dir); err != nil {
		t.Fatal(err)
	}
	var stderr lockedBuffer
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, []string{"mock", "--bundle", dir, "--listen", "127.0.0.1:0", "-v", "--log-format", "json"}, pw, &stderr)
		pw.Close()
	}()
	first, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		cancel()
		t.Fatalf("no first line: %v (Run: %v)", err, <-done)
	}
	go io.Copy(io.Discard, pr)
	base, _, _, _ := parseFirstLine(t, strings.TrimSpace(first))
	resp, err := http.Get(base + "/v1/data/live/court")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("stmotion mock: %v", err)
	}
	records := 0
	for _, line := range strings.Split(strings.TrimSpace(stderr.String()), "\n") {
		if strings.HasPrefix(line, "time=") {
			t.Errorf("a text log line: %s", line)
		}
		if !strings.HasPrefix(line, "{") {
			continue
		}
		var r struct{ Time, Level, Msg string }
		if err := json.Unmarshal([]byte(line), &r); err != nil || r.Time == "" || r.Level == "" || r.Msg == "" {
			t.Errorf("log line %s: %v, want time, level and msg", line, err)
		}
		records++
	}
	if records == 0 {
		t.Errorf("no JSON log record (the request was logged with -v); stderr:\n%s", stderr.String())
	}
}
