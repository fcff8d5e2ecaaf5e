package decode

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Printable returns s, text from the input (a live id, a team or player
// name, a path, a message that quotes them), safe to print on a terminal
// line: control characters are escaped as strconv.Quote escapes them,
// and nothing else is changed, so that names with accents or in any
// script print as they are. Escaped are the C0 controls (tab and newline
// too: a name must not start a line of its own), DEL, the C1 controls,
// the bidirectional overrides and isolates (U+202A..U+202E,
// U+2066..U+2069, which reorder what follows them on the line), the line
// and paragraph separators, and bytes that are not UTF-8 (\xff; a
// terminal that is not in UTF-8 takes 0x9b for a C1 control). A bundle
// from someone else could otherwise clear the screen, retitle the window,
// or overwrite lines with a carriage return. Backslashes are left as
// they are: the result is for reading, not for unquoting. Other
// characters that strconv.IsPrint refuses (a no-break space, the
// zero-width joiner and non-joiner) are kept: see IsPrintable.
//
// Printable returns s itself, without allocating, when nothing needs
// escaping (IsPrintable).
func Printable(s string) string {
	i := printablePrefix(s)
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	b.WriteString(s[:i])
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			b.WriteString(`\x`)
			b.WriteString(strconv.FormatUint(uint64(s[i])>>4, 16))
			b.WriteString(strconv.FormatUint(uint64(s[i])&0xf, 16))
		case r < 0x20 || r == 0x7f || unprintable(r, n):
			q := strconv.QuoteRuneToASCII(r) // '\x1b', '\r', '\u202e'
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// IsPrintable reports whether s prints as itself on a terminal line: it
// holds none of the characters Printable escapes. This is the one rule of
// what is unprintable; whoever escapes input text for the terminal in
// another style (live.PrintableID quotes a whole live id) asks it, so
// that the two agree: characters that print, or have a part in how a
// script is written (a no-break space, the zero-width joiner and
// non-joiner of emoji sequences, Persian or Indic names), are no reason
// to escape, though strconv.IsPrint says false for them.
func IsPrintable(s string) bool { return printablePrefix(s) == len(s) }

// printablePrefix returns the length of the longest prefix of s that is
// printable (IsPrintable).
func printablePrefix(s string) int {
	i := 0
	for i < len(s) {
		c := s[i]
		if c >= 0x20 && c < 0x7f {
			i++
			continue
		}
		if c >= utf8.RuneSelf {
			r, n := utf8.DecodeRuneInString(s[i:])
			if !unprintable(r, n) {
				i += n
				continue
			}
		}
		break
	}
	return i
}

// unprintable reports whether the rune r of n bytes (utf8.RuneSelf or
// more, or a decoding error) is one Printable escapes.
func unprintable(r rune, n int) bool {
	switch {
	case r == utf8.RuneError && n == 1:
		return true
	case r >= 0x80 && r < 0xa0: // C1
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x2028, r == 0x2029:
		return true
	}
	return false
}
