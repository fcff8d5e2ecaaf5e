package chart

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
	"golang.org/x/text/width"
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

// svgCharW_px is the advance the SVG's text (font-family="monospace",
// font-size="12") is measured at: 0.6 em, as in Courier, Liberation Mono
// and Menlo, a little over for DejaVu Sans Mono's 0.602 em. East Asian wide
// and fullwidth characters take 1 em (svgFontSize_px) in the fonts that
// draw them.
const (
	svgFontSize_px = 12
	svgCharW_px    = 7.25
)

// textWidth_px is the width in pixels s takes drawn in format f: in PNG
// charW_px for each character pngText draws; in SVG svgCharW_px for each
// character, svgFontSize_px for an East Asian wide or fullwidth one, none
// for a combining mark or a format character.
func textWidth_px(f Format, s string) float64 {
	if f == PNG {
		return float64(len(pngText(s)) * charW_px)
	}
	w := 0.0
	for _, r := range s {
		switch {
		case r < 0x300:
			w += svgCharW_px
		case unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf):
		default:
			switch width.LookupRune(r).Kind() {
			case width.EastAsianWide, width.EastAsianFullwidth:
				w += svgFontSize_px
			default:
				w += svgCharW_px
			}
		}
	}
	return w
}

// ellipsis ends a title shortened to fit (ASCII: the PNG font has it).
const ellipsis = "..."

// fitTitle is the title line name, then ", " and labels when there are
// labels, as it fits in avail_px drawn in format f: unchanged when it
// fits; else labels whole and name cut at the end, followed by ellipsis,
// to the longest that fits (just the ellipsis when none does; a line of
// labels too long by itself then still overflows).
func fitTitle(f Format, name, labels string, avail_px float64) string {
	sep := ""
	if labels != "" {
		sep = ", " + labels
	}
	if textWidth_px(f, name+sep) <= avail_px {
		return name + sep
	}
	rest := textWidth_px(f, ellipsis+sep)
	cut := name
	for cut != "" {
		_, n := utf8.DecodeLastRuneInString(cut)
		cut = strings.TrimRight(cut[:len(cut)-n], " ,")
		if textWidth_px(f, cut)+rest <= avail_px {
			break
		}
	}
	return cut + ellipsis + sep
}
