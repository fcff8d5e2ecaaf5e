package export

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"unicode/utf8"
)

// MaxNameBytes is the longest name FitName keeps as it is. File systems
// refuse names over 255 bytes (NAME_MAX), and an id escaped for a path
// grows: url.PathEscape turns every byte that is not ASCII into three,
// so 29 CJK characters are enough. The margin leaves room for a prefix
// (session_id=) and the hash of a shortened name.
const MaxNameBytes = 200

// FitName returns name, the escaped form of id as a file or directory
// name (url.PathEscape, say), when it has at most MaxNameBytes bytes.
// Otherwise it returns the first MaxNameBytes bytes or so of name (not
// cutting an escape %XX in two) followed by "~" and the first 16 hex
// digits of the SHA-256 of id: 215 to 217 bytes. A name kept is never
// longer than MaxNameBytes and a shortened one always is (the cut keeps
// whole escapes and whole UTF-8 characters), so two ids get
// one name only when both are long, share their first 200 escaped bytes
// and their hashes' first 64 bits: distinct in practice. The result
// unescapes as name does (the cut keeps the escapes whole).
func FitName(name, id string) string {
	if len(name) <= MaxNameBytes {
		return name
	}
	cut := MaxNameBytes
	// An escape is '%' and two hex digits: do not end inside one.
	for i := cut - 2; i < cut; i++ {
		if name[i] == '%' {
			cut = i
			break
		}
	}
	// Nor inside a character: a name that unescapes to a character cut
	// short is not UTF-8, and readers of a Hive dataset (DuckDB) refuse
	// a partition value that is not. A character is at most 4 bytes, so
	// at most 3 escapes go back (an id that is not UTF-8 itself stays
	// as cut).
	for range 3 {
		u, err := url.PathUnescape(name[:cut])
		if r, size := utf8.DecodeLastRuneInString(u); err != nil || r != utf8.RuneError || size != 1 {
			break
		}
		if cut >= 3 && name[cut-3] == '%' {
			cut -= 3
		} else {
			break
		}
	}
	sum := sha256.Sum256([]byte(id))
	return name[:cut] + "~" + hex.EncodeToString(sum[:8])
}
