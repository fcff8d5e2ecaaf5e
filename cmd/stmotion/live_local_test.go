package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stmotion/stmotion/live/mock"
)

// A --listen that is not host:port is a bad command line (exit status 2)
// and one in use fails at once (1, as the help says), both as "stmotion
// live: --listen ..." before the demo mock is generated or the join
// starts: "bogus" had been found out after the demo mock was up, exiting 1
// as "stmotion: live: listen bogus".
func TestLiveListen(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	inUse := taken.Addr().String()
	for _, c := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"--demo", "--listen", "bogus"}, 2, "stmotion live: --listen bogus: address bogus: missing port in address (want host:port"},
		{[]string{"--demo", "--listen", "127.0.0.1:99999"}, 2, "stmotion live: --listen 127.0.0.1:99999: "},
		{[]string{"--demo", "--listen", inUse}, 1, "stmotion live: --listen " + inUse + ": listen tcp " + inUse + ": "},
		// Not after the join's first request (to a port nothing serves
		// on, retried for 2 minutes).
		{[]string{"--api", "http://127.0.0.1:1", "--live-id", "L", "--user", "u", "--secret", "s", "--listen", inUse}, 1, "stmotion live: --listen " + inUse + ": "},
		{[]string{"--demo", "--demo-speed", "-1"}, 2, "stmotion live: --demo-speed -1: want 0"},
	} {
		var stdout, stderr bytes.Buffer
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		err := Run(ctx, append([]string{"live", "--out", t.TempDir()}, c.args...), &stdout, &stderr)
		cancel()
		if code := exitCode(err); code != c.code || !strings.HasPrefix(stderr.String(), c.msg) || stdout.Len() > 0 {
			t.Errorf("live %s: exit %d (%v), stdout %q, stderr %q; want %d and stderr starting %q, before anything starts",
				strings.Join(c.args, " "), code, err, stdout.String(), stderr.String(), c.code, c.msg)
		}
	}
	// mock's, as a value that does not parse: 2, before the sample is
	// generated.
	var stdout, stderr bytes.Buffer
	err = Run(context.Background(), []string{"mock", "--listen", "bogus"}, &stdout, &stderr)
	if exitCode(err) != 2 || !strings.HasPrefix(stderr.String(), "stmotion mock: --listen bogus: ") {
		t.Errorf("mock --listen bogus: %v, stderr %q; want exit status 2 before anything starts", err, stderr.String())
	}
}

// onThisMachine tells the --api URLs live may sign with the mock's
// default credentials when given none.
func TestOnThisMachine(t *testing.T) {
	for api, want := range map[string]bool{
		"http://127.0.0.1:8080":        true,
		"http://127.3.4.5:8080":        true,
		"http://localhost:8080/":       true,
		"http://LOCALHOST.:8080":       true,
		"http://[::1]:8080":            true,
		"http://[::]:8080":             true,
		"http://0.0.0.0:8080":          true,
		"http://[::ffff:127.0.0.1]:80": true,
		"https://api.shottracker.com":  false,
		"http://10.0.0.5:8080":         false,
		"http://localhost.example.com": false,
		"http://x":                     false,
		"::not a url":                  false,
	} {
		if got := onThisMachine(api); got != want {
			t.Errorf("onThisMachine(%q) = %v, want %v", api, got, want)
		}
	}
}

// startMockCLI starts 'stmotion mock args...' and returns what it says on
// stderr before it serves (up to the "or try:" line), and a stop function.
func startMockCLI(t *testing.T, args ...string) (string, func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := Run(ctx, append([]string{"mock"}, args...), io.Discard, pw)
		pw.Close()
		done <- err
	}()
	stop := sync.OnceFunc(func() { // callable again, e.g. deferred
		cancel()
		if err := <-done; err != nil {
			t.Errorf("stmotion mock: %v", err)
		}
	})
	lines, quit := make(chan string), make(chan struct{})
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-quit: // read on, so that mock never blocks writing
			}
			if strings.HasPrefix(sc.Text(), "  or try:") {
				break
			}
		}
		close(lines)
		io.Copy(io.Discard, pr)
	}()
	var said strings.Builder
	timeout := time.After(10 * time.Second)
	for {
		select {
		case l, ok := <-lines:
			if ok {
				said.WriteString(l + "\n")
				continue
			}
		case <-timeout:
		}
		break
	}
	if !strings.Contains(said.String(), "  or try:") {
		close(quit)
		stop()
		t.Fatalf("stmotion mock %s said no 'or try:' line:\n%s", strings.Join(args, " "), said.String())
	}
	return said.String(), stop
}

// joinLine is the 'stmotion live' command line mock printed, as Run's
// arguments.
func joinLine(t *testing.T, said string) []string {
	t.Helper()
	for _, l := range strings.Split(said, "\n") {
		if cmd, ok := strings.CutPrefix(l, "  join it: stmotion "); ok {
			return strings.Fields(cmd)
		}
	}
	t.Fatalf("mock said no 'join it:' line:\n%s", said)
	return nil
}

// A local mock is easy to join: mock prints the credentials it checks and
// a 'stmotion live' line that joins it (it printed neither: they were
// only flag defaults deep in its -h), live takes --username as mock calls
// it (it knew only --user), and without credentials, against an --api on
// this machine, live signs with the mock's defaults (it refused to start,
// even against --no-auth's mock, which takes any).
func TestLiveJoinsLocalMock(t *testing.T) {
	t.Setenv("SHOTTRACKER_USER", "")
	t.Setenv("SHOTTRACKER_SECRET", "")
	dir := t.TempDir()
	if err := mock.WriteTinyBundle(dir); err != nil {
		t.Fatal(err)
	}
	join := func(args ...string) (string, string, error) {
		var stdout, stderr bytes.Buffer
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		err := Run(ctx, append(args, "--out", t.TempDir(), "--listen", ""), &stdout, &stderr)
		return stdout.String(), stderr.String(), err
	}
	ended := func(what string, stdout, stderr string, err error) {
		t.Helper()
		if err != nil || !strings.Contains(stdout, "ended: ") {
			t.Errorf("%s: %v, stdout %q; want exit status 0 and the event's end\nstderr: %s", what, err, stdout, stderr)
		}
	}

	said, stop := startMockCLI(t, "--bundle", dir, "--listen", "127.0.0.1:0", "--speed", "0")
	defer stop()
	creds := "  requests HMAC-signed with --username " + mock.DefaultUsername + " --secret " + mock.DefaultSecret + " (the API description's mock credentials"
	if !strings.Contains(said, creds) {
		t.Errorf("mock said:\n%s\nwant the credentials it checks: %q", said, creds)
	}
	args := joinLine(t, said)
	stdout, stderr, err := join(args...)
	ended("the line mock printed ("+strings.Join(args, " ")+")", stdout, stderr, err)

	// Without the credentials: the mock's defaults, and live says so.
	api, id := args[2], args[4]
	stdout, stderr, err = join("live", "--api", api, "--live-id", id)
	ended("live without credentials", stdout, stderr, err)
	if !strings.Contains(stderr, "stmotion live: no credentials given: signing with the mock's defaults") {
		t.Errorf("live without credentials: stderr %q; want it to say it signs with the mock's defaults", stderr)
	}
	stop()

	// --no-auth: the line needs no credentials, and live none.
	said, stop = startMockCLI(t, "--bundle", dir, "--listen", "127.0.0.1:0", "--speed", "0", "--no-auth")
	defer stop()
	args = joinLine(t, said)
	if strings.Contains(strings.Join(args, " "), "--secret") {
		t.Errorf("--no-auth mock's line %q: want no credentials", args)
	}
	stdout, stderr, err = join(args...)
	ended("the --no-auth mock's line", stdout, stderr, err)
	stop()

	// A mock with credentials of its own: its line has the username and
	// not the secret; live without any is refused with what to give.
	said, stop = startMockCLI(t, "--bundle", dir, "--listen", "127.0.0.1:0", "--speed", "0", "--username", "dev", "--secret", "s3cret")
	defer stop()
	if strings.Contains(said, "s3cret") || !strings.Contains(said, "--username dev --secret '<its --secret>'") {
		t.Errorf("mock with its own credentials said:\n%s\nwant the username and not the secret", said)
	}
	args = joinLine(t, said)
	_, stderr, err = join("live", "--api", args[2], "--live-id", args[4])
	if exitCode(err) != 1 || !strings.Contains(stderr, "401") || !strings.Contains(stderr, "stmotion live: the server refused the mock's default credentials, used as none were given: give the --username and --secret it checks") {
		t.Errorf("live without credentials against a mock with its own: %v, stderr %q; want exit status 1 saying what to give", err, stderr)
	}
	stdout, stderr, err = join("live", "--api", args[2], "--live-id", args[4], "--username", "dev", "--secret", "s3cret")
	ended("--username dev --secret s3cret", stdout, stderr, err)
	stop()

	// Elsewhere than this machine, credentials are still required, and
	// the error names the mock's defaults.
	_, stderr, err = join("live", "--api", "http://10.0.0.5:8080", "--live-id", "L")
	if exitCode(err) != 2 || !strings.Contains(stderr, "a 'stmotion mock' checks --username "+mock.DefaultUsername+" --secret "+mock.DefaultSecret) {
		t.Errorf("live without credentials elsewhere: %v, stderr %q; want exit status 2 naming the mock's defaults", err, stderr)
	}
}

// The line saying live signs with the mock's defaults never prints a
// password the --api URL carries (user:password@, which Go's HTTP client
// sends as Basic credentials).
func TestLiveLocalDefaultsRedactAPI(t *testing.T) {
	var stdout, stderr bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = Run(ctx, []string{"live", "--out", t.TempDir(), "--api", "http://admin:hunter2@127.0.0.1:1", "--live-id", "L", "--listen", ""}, &stdout, &stderr)
	if !strings.Contains(stderr.String(), "no credentials given: signing with the mock's defaults, as --api http://admin:xxxxx@127.0.0.1:1 ") {
		t.Errorf("stderr lacks the defaults line with the URL redacted:\n%s", stderr.String())
	}
	if strings.Contains(stderr.String()+stdout.String(), "hunter2") {
		t.Errorf("the --api URL's password was printed:\n%s", stderr.String())
	}
}
