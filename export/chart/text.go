package chart

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Chart text (titles are names from the roster: José Ñúñez, Jokić, 李小龍)
// is written into SVG as it is, XML-escaped, and drawn in PNG with
// basicfont, whose glyphs are printable ASCII only: pngText transliterates
// for it.

// pngText is s as the PNG font can draw it: printable ASCII kept; a Latin
// letter with accents as the letter without them (é → e, Ñ → N, ć → c:
// its compatibility decomposition, NFKD, less the combining marks, when
// that is ASCII, so also fullwidth Ａ → A and ﬁ → fi); the letters that
// do not decompose so by pngLetters (ß → ss, Ø → O, Ł → L, Æ → AE, ...);
// combining marks of decomposed text dropped; any other character (CJK,
// Cyrillic, Greek, controls, invalid UTF-8) one '?' each, so a name in
// another script keeps its length.
func pngText(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 0x20 && r <= 0x7e:
			b.WriteRune(r)
		case r == utf8.RuneError:
			b.WriteByte('?')
		case unicode.In(r, unicode.Mn, unicode.Me):
			// The accent of decomposed text ("e\u0301"): its letter
			// is already written.
		default:
			if t, ok := pngLetters[r]; ok {
				b.WriteString(t)
			} else if t, ok := asciiBase(r); ok {
				b.WriteString(t)
			} else {
				b.WriteByte('?')
			}
		}
	}
	return b.String()
}

// asciiBase is r's NFKD decomposition without its combining marks, when
// that is printable ASCII.
func asciiBase(r rune) (string, bool) {
	d := norm.NFKD.String(string(r))
	var b strings.Builder
	for _, c := range d {
		switch {
		case c >= 0x20 && c <= 0x7e:
			b.WriteRune(c)
		case unicode.In(c, unicode.Mn, unicode.Me):
		default:
			return "", false
		}
	}
	return b.String(), b.Len() > 0
}

// pngLetters are the Latin letters of European names that have no
// decomposition into an ASCII letter and accents, and the typographic
// punctuation names and titles hold, as ASCII.
var pngLetters = map[rune]string{
	'ß': "ss", 'ẞ': "SS", 'Æ': "AE", 'æ': "ae", 'Œ': "OE", 'œ': "oe",
	'Ø': "O", 'ø': "o", 'Ł': "L", 'ł': "l", 'Đ': "D", 'đ': "d", 'Ð': "D", 'ð': "d",
	'Þ': "Th", 'þ': "th", 'ı': "i", 'Ħ': "H", 'ħ': "h", 'Ŧ': "T", 'ŧ': "t",
	'Ŋ': "N", 'ŋ': "n", 'ĸ': "k",
	'‘': "'", '’': "'", '‚': "'", '‛': "'", '′': "'", 'ʼ': "'",
	'“': `"`, '”': `"`, '„': `"`, '″': `"`, '«': `"`, '»': `"`,
	'‐': "-", '‑': "-", '‒': "-", '–': "-", '—': "-", '−': "-",
	'\u00a0': " ", '·': ".", '…': "...",
}

// xmlEscape is s as XML character data or attribute value: & < > "
// escaped, and what XML 1.0 does not allow in a document (control
// characters but tab, newline and return; U+FFFE, U+FFFF; invalid UTF-8)
// as U+FFFD, so an SVG stays well-formed whatever a roster's names hold.
func xmlEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '"':
			b.WriteString("&quot;")
		case r < 0x20 && r != '\t' && r != '\n' && r != '\r', r == 0xfffe, r == 0xffff:
			b.WriteRune(utf8.RuneError)
		default:
			// An invalid byte ranges as utf8.RuneError, written as
			// U+FFFD: the replacement.
			b.WriteRune(r)
		}
	}
	return b.String()
}
