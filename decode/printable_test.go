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
	} {
		if got := Printable(c.in); got != c.want {
			t.Errorf("Printable(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	s := "Zoë Ørsted, an ordinary name"
	if n := testing.AllocsPerRun(100, func() { _ = Printable(s) }); n != 0 {
		t.Errorf("Printable of printable text allocates %v times, want 0", n)
	}
}
