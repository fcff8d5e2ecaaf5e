package export

import (
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

// Ids too long for a file name once escaped get a shortened partition
// name, distinct for distinct ids, that unescapes; others keep theirs.
func TestPartitionDirLongIDs(t *testing.T) {
	long := strings.Repeat("籃球", 50) // 100 CJK characters: 900 bytes escaped
	ids := []string{"g1", "a=b", strings.Repeat("A", 300), strings.Repeat("A", 299) + "B", long, long + "x", strings.Repeat("A", 199) + "é"}
	seen := map[string]string{}
	for _, id := range ids {
		d := PartitionDir(id)
		if len(d) > 240 {
			t.Errorf("PartitionDir(%.20q...) has %d bytes, want at most 240", id, len(d))
		}
		if o, dup := seen[d]; dup {
			t.Errorf("ids %.20q... and %.20q... share the directory %s", o, id, d)
		}
		seen[d] = id
		k, ok := PartitionSession(d)
		if !ok || k != PartitionKey(id) {
			t.Errorf("PartitionSession(PartitionDir(%.20q...)) = %q, %v; want PartitionKey's %q", id, k, ok, PartitionKey(id))
		}
		short := len(partitionEscaper.Replace(url.PathEscape(id))) <= MaxNameBytes
		if short != (k == id) {
			t.Errorf("%.20q...: key %q, want the id itself exactly when its escaped form fits", id, k)
		}
	}
}

// A shortened name never ends inside a character: ids of 4-byte
// characters (emoji) at every alignment read back as UTF-8. A cut inside
// one made DuckDB refuse the whole Hive dataset ("invalid UTF8").
func TestFitNameWholeCharacters(t *testing.T) {
	for pad := range 4 {
		for _, ch := range []string{"😀", "é", "籃"} {
			id := strings.Repeat("a", pad) + strings.Repeat(ch, 80)
			d := PartitionDir(id)
			k, ok := PartitionSession(d)
			if !ok || !utf8.ValidString(k) || len(d) > 240 {
				t.Errorf("PartitionDir(%d×a + 80×%s) = %s (%d bytes): key %q, ok %v; want a UTF-8 key", pad, ch, d, len(d), k, ok)
			}
		}
	}
}

// EscapeName leaves nothing a file name may not hold, on Windows either
// (':' and the others it forbids), keeps UUIDs and plain names as they
// are, and unescapes to the id.
func TestEscapeName(t *testing.T) {
	for _, c := range []struct{ id, want string }{
		{"bcdb0adb-ee47-4023-9166-0dd5b52194b7", "bcdb0adb-ee47-4023-9166-0dd5b52194b7"},
		{"game_05.v2", "game_05.v2"},
		{"game:2026-11-27T10:00", "game%3A2026-11-27T10%3A00"},
		{"a=b", "a%3Db"},
		{`a/b\c d*e?f<g>h|i"j`, "a%2Fb%5Cc%20d%2Ae%3Ff%3Cg%3Eh%7Ci%22j"},
		{"tab\tnl\n", "tab%09nl%0A"},
	} {
		got := EscapeName(c.id)
		if got != c.want {
			t.Errorf("EscapeName(%q) = %q, want %q", c.id, got, c.want)
		}
		if strings.ContainsAny(got, `<>:"/\|?*`) || strings.ContainsFunc(got, func(r rune) bool { return r < 0x20 }) {
			t.Errorf("EscapeName(%q) = %q holds a character Windows forbids in a name", c.id, got)
		}
		if u, err := url.PathUnescape(got); err != nil || u != c.id {
			t.Errorf("EscapeName(%q) = %q unescapes to %q, %v", c.id, got, u, err)
		}
		if PartitionDir(c.id) != SessionColumn+"="+got {
			t.Errorf("PartitionDir(%q) = %q, want session_id= and EscapeName's", c.id, PartitionDir(c.id))
		}
	}
}
