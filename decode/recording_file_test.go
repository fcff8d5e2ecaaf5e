//go:build unix

package decode

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A messages file linked to a device is refused when opened, naming the
// path: /dev/zero is an endless line with no newline, which a Reader
// would skip as too long forever. A named pipe is still read.
func TestOpenRecordingRefusesDevice(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero")
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "messages.jsonl")
	if err := os.Symlink("/dev/zero", p); err != nil {
		t.Skip(err)
	}
	done := make(chan error, 1)
	go func() {
		r, err := OpenRecording(p, ReaderOptions{})
		if err == nil {
			var m Message
			for r.Next(&m) {
			}
			err = r.Err()
			r.Close()
		}
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, ErrNotRecordingFile) || !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), "character device") {
			t.Errorf("OpenRecording(%s -> /dev/zero) = %v, want ErrNotRecordingFile naming the path and a character device", p, err)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("OpenRecording(%s -> /dev/zero) still reading after 10 s", p)
	}
	if _, err := OpenRecording(dir, ReaderOptions{}); !errors.Is(err, ErrNotRecordingFile) {
		t.Errorf("OpenRecording(a directory) = %v, want ErrNotRecordingFile", err)
	}

	fifo := filepath.Join(dir, "pipe.jsonl")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip(err)
	}
	go func() {
		// Opening the pipe waits for its reader.
		if f, err := os.OpenFile(fifo, os.O_WRONLY, 0); err == nil {
			f.WriteString(loc(1764151200000) + "\n")
			f.Close()
		}
	}()
	r, err := OpenRecording(fifo, ReaderOptions{})
	if err != nil {
		t.Fatalf("OpenRecording(a named pipe): %v", err)
	}
	defer r.Close()
	var m Message
	n := 0
	for r.Next(&m) {
		n++
	}
	if n != 1 || r.Err() != nil {
		t.Errorf("a named pipe: %d messages, err %v; want 1, nil", n, r.Err())
	}
}

// A named pipe a directory search found by its name was opened, and with
// no writer, waited for one forever (analyze and inspect hung on a stray
// FIFO). The search skips what is not a regular file, and a bundle whose
// messages file is not one, returning them as Skipped; named as paths of
// their own, they are listed as before.
func TestFindBundlesSkipsSpecialFiles(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"season/a.jsonl":              testLine,
		"season/g2/" + BundleMessages: testLine,
		"season/g1/" + BundleLive:     "{}",
	})
	j := func(p string) string { return filepath.Join(root, p) }
	for _, p := range []string{"season/stuck.jsonl", "season/g1/" + BundleMessages} {
		if err := syscall.Mkfifo(j(p), 0o600); err != nil {
			t.Skip("no named pipes here:", err)
		}
	}
	if err := os.Symlink(j("season/stuck.jsonl"), j("season/link.ndjson")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("no-such-target", j("season/dangling.jsonl")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(j("season/notes.txt"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{ // skipped path → what its message says
		"season/stuck.jsonl": "skipped: a named pipe, not a regular file: a search reads regular files only, as opening a pipe waits for its writer; name it as an INPUT of its own to read it",
		"season/link.ndjson": "skipped: a named pipe, not a regular file",
		"season/g1":          "skipped: its messages.jsonl is a named pipe, not a regular file: a search reads regular files only, as opening a pipe waits for its writer; name the bundle as an INPUT",
	}
	if _, err := os.Stat("/dev/null"); err == nil {
		if err := os.Symlink("/dev/null", j("season/null.jsonl")); err != nil {
			t.Fatal(err)
		}
		want["season/null.jsonl"] = "skipped: a character device, not a regular file: a search reads regular files only (a recording is a regular file or a named pipe)"
	}
	found, unsearched, err := FindBundles(j("season"))
	// A link that leads nowhere is still listed: opening it says why.
	if wantFound := []string{j("season/a.jsonl"), j("season/dangling.jsonl"), j("season/g2")}; err != nil || !slices.Equal(found, wantFound) {
		t.Errorf("found %q, %v; want %q", found, err, wantFound)
	}
	got := map[string]bool{}
	for _, u := range unsearched {
		rel, _ := filepath.Rel(root, u.Path)
		got[rel] = true
		if w, ok := want[rel]; !ok || !u.Skipped || !errors.Is(u, ErrSpecialFile) || !strings.HasPrefix(u.Error(), u.Path+": decode: find bundles: "+w) {
			t.Errorf("unsearched %s (skipped %v): %v; want it skipped: %q", rel, u.Skipped, u, w)
		}
	}
	for rel := range want {
		if !got[rel] {
			t.Errorf("%s not returned as skipped", rel)
		}
	}
	// Named, they are read: the pipe, and the bundle with its pipe.
	for _, p := range []string{"season/stuck.jsonl", "season/g1"} {
		if found, unsearched, err := FindBundles(j(p)); err != nil || len(unsearched) != 0 || !slices.Equal(found, []string{j(p)}) {
			t.Errorf("FindBundles(%s) = %q, %v, %v; want it found", p, found, unsearched, err)
		}
	}
}
