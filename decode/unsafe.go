package decode

import "unsafe"

// bytesToString views b as a string without copying. It is used only to
// hand a number's text to strconv.ParseFloat, which reads it and returns;
// strconv copies its argument before keeping it (in a *NumError), and the
// text is not modified while the call runs, so the string never outlives or
// observes a change to b. This saves the copy (and, for numbers longer than
// 32 bytes, the allocation) of string(b).
func bytesToString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}
