package decode

import "testing"

func TestPrintable(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", ""},
		{"Herons", "Herons"},
		{"Zoë Ørsted 張偉 🏀", "Zoë Ørsted 張偉 🏀"},
		{`a\b`, `a\b`},
		{"game\x1b]2;pwned-title\a\x1b[2J", `game\x1b]2;pwned-title\a\x1b[2J`},
		{"Herons\x1b[1;31m FAKE WARNING \x1b[0m\r", `Herons\x1b[1;31m FAKE WARNING \x1b[0m\r`},
		{"two\nlines\tand tab", `two\nlines\tand tab`},
		{"del\x7f", `del\x7f`},
		{"c1\u0085\u009b", `c1\u0085\u009b`},
		{"bidi\u202eevil\u2066x\u2069", `bidi\u202eevil\u2066x\u2069`},
		{"bad\xff\x9butf8", `bad\xff\x9butf8`},
		{"é\x00", `é\x00`},
		// They print, or have a part in how a script is written:
		// strconv.IsPrint refuses them, Printable (and IsPrintable) not.
		{"no\u00a0break", "no\u00a0break"},
		{"\U0001f3c0\u200d\U0001f525", "\U0001f3c0\u200d\U0001f525"},
		{"نیمه\u200cدوم", "نیمه\u200cدوم"},
		{"\ufffd", "\ufffd"},
	} {
		if got := Printable(c.in); got != c.want {
			t.Errorf("Printable(%q) = %q, want %q", c.in, got, c.want)
		}
		if got, want := IsPrintable(c.in), c.in == c.want; got != want {
			t.Errorf("IsPrintable(%q) = %v, want %v", c.in, got, want)
		}
	}
	s := "Zoë Ørsted, an ordinary name"
	if n := testing.AllocsPerRun(100, func() { _ = Printable(s) }); n != 0 {
		t.Errorf("Printable of printable text allocates %v times, want 0", n)
	}
}
