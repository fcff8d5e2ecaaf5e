package live

import (
	"net/url"
	"strings"
	"testing"
)

// A live id names its bundle's directory as the Hive partitions name a
// session (export.EscapeName: ':' escaped, which Windows forbids in a
// name), and never a name Windows reserves (CON, NUL, ...) or drops a
// final '.' of; a UUID keeps its name. The name unescapes to the id.
// ':' was kept: a live id "game:2026-11-27T10:00" could not be recorded
// on Windows.
func TestDirName(t *testing.T) {
	for _, c := range []struct{ id, want string }{
		{"bcdb0adb-ee47-4023-9166-0dd5b52194b7", "bcdb0adb-ee47-4023-9166-0dd5b52194b7"},
		{"test", "test"},
		{"game:2026-11-27T10:00", "game%3A2026-11-27T10%3A00"},
		{"a=b/c", "a%3Db%2Fc"},
		{"nul", "%6Eul"},
		{"CON", "%43ON"},
		{"Com1.json", "%43om1.json"},
		{"lpt9", "%6Cpt9"},
		{"console", "console"},
		{"com10", "com10"},
		{"half.", "half%2E"},
		{"", "_"},
		{".", "%2E"},
		{"..", ".%2E"},
		{"_.", "_%2E"},
	} {
		got := dirName(c.id)
		if got != c.want {
			t.Errorf("dirName(%q) = %q, want %q", c.id, got, c.want)
		}
		if strings.ContainsAny(got, `<>:"/\|?*`) || strings.HasSuffix(got, ".") {
			t.Errorf("dirName(%q) = %q: not a name Windows takes", c.id, got)
		}
		if u, err := url.PathUnescape(got); c.id != "" && (err != nil || u != c.id) {
			t.Errorf("dirName(%q) = %q unescapes to %q, %v", c.id, got, u, err)
		}
	}
}
