package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stmotion/stmotion/court"
	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/export"
	"github.com/stmotion/stmotion/live/mock"
)

// TestLiveCourtTemplate: live --court-template names the court's
// markings and records them in the bundle's court.json, so that analyze
// of the bundle, without the flag, calls the shots on that court (an
// NCAA game's, which its size alone takes for NBA's). A template the
// court does not fit, a re-join on another template than the bundle's
// parts and a name not known are a bad command line: exit status 2.
func TestLiveCourtTemplate(t *testing.T) {
	dir := t.TempDir()
	in := ncaaBundle(t, dir)
	srv := serveBundle(t, in, mock.Options{})

	out := t.TempDir()
	run := func(args ...string) (error, string, string) {
		t.Helper()
		var stdout, stderr bytes.Buffer
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		args = append([]string{"live", "--api", srv.URL(), "--live-id", srv.LiveID(), "--user", mock.DefaultUsername, "--secret", mock.DefaultSecret,
			"--out", out, "--listen", ""}, args...)
		err := Run(ctx, args, &stdout, &stderr)
		return err, stdout.String(), stderr.String()
	}
	exit2 := func(err error) bool {
		var ee exitError
		return asExit(err, &ee) && ee.code == 2
	}

	if err, stdout, stderr := run("--court-template", "fiba"); !exit2(err) || !strings.Contains(stderr, "the court template named (fiba) does not fit the court") ||
		!strings.Contains(stderr, "its size fits nba, wnba, ncaa, hs94") || strings.Contains(stdout, "bundle ") {
		t.Fatalf("--court-template fiba on an NCAA court: %v, stdout %q, stderr:\n%s", err, stdout, stderr)
	}
	if _, err := os.Stat(filepath.Join(out, srv.LiveID(), decode.BundleCourt)); err == nil {
		t.Error("--court-template fiba: the bundle's court.json was written")
	}

	if err, stdout, stderr := run("--court-template", "ncaa"); err != nil || !strings.Contains(stderr, "live: court: ncaa court 28.65 × 15.24 m") {
		t.Fatalf("--court-template ncaa: %v, stdout %q, stderr:\n%s", err, stdout, stderr)
	}
	bundle := filepath.Join(out, srv.LiveID())
	var sum export.SessionSummary
	readJSON(t, filepath.Join(bundle, export.SummaryFile), &sum)
	if c := sum.Court; c == nil || c.Template != "ncaa" || c.TemplateFrom != court.FromOption || c.Source != export.CourtFromAPI {
		t.Errorf("live's summary.json court %+v", c)
	}

	// analyze of the bundle, without the flag: the court.json names ncaa.
	ao := t.TempDir()
	stdout, stderr, err := runAnalyzeArgs(t, "--out", ao, "--images=false", bundle)
	if err != nil || strings.Contains(stderr, "also that of") || !strings.Contains(stdout, "court: ncaa (NCAA)") || !strings.Contains(stdout, "template named by the court.json") {
		t.Fatalf("analyze of the live bundle: %v, stderr %q, report:\n%s", err, stderr, stdout)
	}
	if found, right := shotCalls(t, in, ao); found < 4 || right != found {
		t.Errorf("analyze of the live bundle: %d of %d truth shots called right, want all (the NCAA lines)", right, found)
	}

	// A re-join on another template than the parts were made on.
	if err, _, stderr := run("--court-template", "wnba"); !exit2(err) || !strings.Contains(stderr, "table parts made on the ncaa court template") ||
		!strings.Contains(stderr, "give --court-template ncaa") {
		t.Errorf("re-join with wnba on ncaa parts: %v, stderr:\n%s", err, stderr)
	}
	if err, _, stderr := run("--court-template", "moon"); !exit2(err) || !strings.Contains(stderr, `--court-template "moon": want one of`) {
		t.Errorf("--court-template moon: %v, stderr:\n%s", err, stderr)
	}
	var stdout2, stderr2 bytes.Buffer
	err = Run(context.Background(), []string{"live", "--demo", "--listen", "", "--court", filepath.Join(in, decode.BundleCourt), "--court-template", "hs"}, &stdout2, &stderr2)
	if !exit2(err) || !strings.Contains(stderr2.String(), "live: --court-template hs does not fit --court") || stdout2.Len() != 0 {
		t.Errorf("--court with a template it does not fit: %v, stderr %q", err, stderr2.String())
	}
}
