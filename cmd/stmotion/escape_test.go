package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Control characters in a bundle's live id and team name (a screen
// clear, a window title, a carriage return forging a line) are printed
// escaped by analyze's report and inspect, never raw.
func TestControlCharactersEscaped(t *testing.T) {
	dir := t.TempDir()
	b := shortBundle(t, dir, "esc")
	const id = "game\x1b]2;pwned-title\a\x1b[2J"
	const team = "Herons\x1b[1;31m FAKE WARNING \x1b[0m\r"
	edit := func(name string, f func(j map[string]any)) {
		p := filepath.Join(b, name)
		raw, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var j map[string]any
		if err := json.Unmarshal(raw, &j); err != nil {
			t.Fatal(err)
		}
		f(j)
		if raw, err = json.Marshal(j); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, raw, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	edit("live.json", func(j map[string]any) {
		for _, tm := range j["teams"].([]any) {
			tm.(map[string]any)["live"].(map[string]any)["id"] = id
		}
	})
	edit("subscribe.json", func(j map[string]any) {
		j["teams"].([]any)[0].(map[string]any)["name"] = team
	})
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"analyze", "--images=false", "--out", t.TempDir(), b}, []string{`session game\x1b]2;pwned-title\a\x1b[2J (`, `Herons\x1b[1;31m FAKE WARNING \x1b[0m\r: possession`}},
		{[]string{"inspect", b}, []string{`live        game\x1b]2;pwned-title\a\x1b[2J`}},
	} {
		var o, e bytes.Buffer
		if err := Run(context.Background(), c.args, &o, &e); err != nil {
			t.Fatalf("%s: %v\n%s", c.args[0], err, e.String())
		}
		for _, s := range []string{o.String(), e.String()} {
			if i := strings.IndexAny(s, "\x1b\a\r"); i >= 0 {
				t.Errorf("%s prints a control character: %q", c.args[0], s[max(0, i-40):min(len(s), i+40)])
			}
		}
		for _, w := range c.want {
			if !strings.Contains(o.String(), w) {
				t.Errorf("%s: stdout lacks %q:\n%s", c.args[0], w, o.String())
			}
		}
	}
}
