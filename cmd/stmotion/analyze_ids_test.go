package main

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stmotion/stmotion/export"
)

// The same file name as Windows writes it (NFC: "ć" one code point) and
// as macOS writes it (NFD: "c" and a combining acute) is one session id,
// printed alike: within a run the second copy is renamed, as for any two
// inputs with one id, and the warning says why two names that print alike
// are not two ids.
func TestAnalyzeNamesNFCAndNFD(t *testing.T) {
	dir := t.TempDir()
	b := shortBundle(t, dir, "b")
	nfc := bareCopy(t, b, dir, "d/Joki\u0107-final.jsonl")
	nfd := bareCopy(t, b, dir, "d/Jokic\u0301-final.jsonl")
	out := t.TempDir()
	stdout, stderr, err := runAnalyzeArgs(t, "--out", out, "--quiet", "--images=false", filepath.Join(dir, "d"))
	if err != nil {
		t.Fatalf("analyze: %v\n%s%s", err, stdout, stderr)
	}
	// The NFD name first by its bytes ("c" < "ć"): it keeps the id.
	if got, want := sessionSources(t, out), []string{"Joki\u0107-final " + nfd, "Joki\u0107-final-2 " + nfc}; !slices.Equal(got, want) {
		t.Errorf("sessions %+q, want %+q", got, want)
	}
	if want := nfc + ": session id Joki\u0107-final already used by " + nfd + " (the same name, its accents encoded otherwise: Unicode NFC, NFD): written as Joki\u0107-final-2"; !strings.Contains(stderr, want) {
		t.Errorf("stderr\n%s\nwant %q", stderr, want)
	}
}

// With --add, an input whose id is a session's of the dataset but for
// case or for how its accents are encoded is that session, as within a
// run: it replaces it (ids decide), under the dataset's spelling, which
// keeps its partition directories (session_id=Game and session_id=game
// are one directory on macOS and Windows). Added again, it replaces it
// again: the dataset does not grow.
func TestAnalyzeAddIDsCaseAndAccents(t *testing.T) {
	dir := t.TempDir()
	b := shortBundle(t, dir, "b")
	for _, c := range []struct{ first, then, id string }{
		{"c1/Game.jsonl", "c2/game.jsonl", "Game"},
		{"c1/Jokic\u0301.jsonl", "c2/Joki\u0107.jsonl", "Joki\u0107"},
		{"c1/JOKI\u0106.jsonl", "c2/jokic\u0301.jsonl", "JOKI\u0106"},
	} {
		first, then := bareCopy(t, b, dir, c.first), bareCopy(t, b, dir, c.then)
		out := t.TempDir()
		add := func(p string) string {
			t.Helper()
			stdout, stderr, err := runAnalyzeArgs(t, "--out", out, "--quiet", "--images=false", "--add", p)
			if err != nil {
				t.Fatalf("--add %s: %v (exit %d)\n%s%s", p, err, exitCode(err), stdout, stderr)
			}
			return stderr
		}
		add(first)
		for range 2 {
			stderr := add(then)
			if o, err := export.FindOutputs(out); err != nil || !slices.Equal(o.Sessions, []string{c.id}) {
				t.Errorf("--add %s after %s: partitions of %+q (%v), want %+q alone", c.then, c.first, o.Sessions, err, c.id)
			}
			if got, want := sessionSources(t, out), []string{c.id + " " + then}; !slices.Equal(got, want) {
				t.Errorf("--add %s after %s: sessions %+q, want %+q", c.then, c.first, got, want)
			}
			if c.first != "c1/Jokic\u0301.jsonl" { // that one's id is NFC, as the other's
				if want := then + ": session id "; !strings.Contains(stderr, want) || !strings.Contains(stderr, "in "+out+" (ids that differ only in case are one): written as "+c.id) {
					t.Errorf("--add %s after %s: stderr\n%s\nwant the id %s taken, and why", c.then, c.first, stderr, c.id)
				}
			}
		}
	}
}
