package chart

import "encoding/binary"

// updateAdler32 returns the Adler-32 checksum (RFC 1950) of p continuing
// from adler (1 for a new stream), as hash/adler32 computes it.
//
// hash/adler32 adds one byte at a time to two running sums, s1 (of the
// bytes) and s2 (of s1 after each byte): a chain of dependent additions
// that took a sixth of a heatmap PNG's time. Here 64 bytes, eight 64-bit
// words w_0..w_7 of bytes b0..b7, go in at once. Each word's even and odd
// bytes sit in four 16-bit lanes (e_j: b0, b2, b4, b6; o_j: b1, b3, b5,
// b7), summed lane by lane:
//
//	E = Σ e_j,  O = Σ o_j,  V_j = Σ_{k<j} (e_k + o_k),  U = Σ_j V_j
//
// and then, with hsum the sum of a word's four lanes and dot a lane-wise
// weighted sum (both one multiplication: the top lane of the product
// collects them),
//
//	s1' = s1 + hsum(E + O)
//	s2' = s2 + 64·s1 + 8·hsum(U) + dot(E, 8 6 4 2) + dot(O, 7 5 3 1)
//
// since each word adds 8·s1 (s1 as the word starts) + 8·b0 + 7·b1 + … +
// 1·b7 to s2. No lane and no product lane reaches 2¹⁶ in a block of eight
// words (U's lanes at most 510·28, the dots at most 2040·20), so no lane
// carries into the next.
func updateAdler32(adler uint32, p []byte) uint32 {
	const (
		mod  = 65521
		nmax = 5504 // bytes before s2 could overflow (hash/adler32's 5552), in whole blocks of 64
		lo   = 0x00ff00ff00ff00ff
		ones = 0x0001000100010001
	)
	s1, s2 := adler&0xffff, adler>>16
	for len(p) > 0 {
		q := p[:min(len(p), nmax)]
		p = p[len(q):]
		for len(q) >= 64 {
			b := (*[64]byte)(q)
			var e, o, v, u uint64
			word := func(w uint64) { // inlined: no bounds checks, lo in a register
				ej, oj := w&lo, w>>8&lo
				e += ej
				o += oj
				u += v
				v += ej + oj
			}
			word(binary.LittleEndian.Uint64(b[0:]))
			word(binary.LittleEndian.Uint64(b[8:]))
			word(binary.LittleEndian.Uint64(b[16:]))
			word(binary.LittleEndian.Uint64(b[24:]))
			word(binary.LittleEndian.Uint64(b[32:]))
			word(binary.LittleEndian.Uint64(b[40:]))
			word(binary.LittleEndian.Uint64(b[48:]))
			word(binary.LittleEndian.Uint64(b[56:]))
			s2 += 64*s1 + 8*uint32(u*ones>>48) + uint32(e*0x0008000600040002>>48) + uint32(o*0x0007000500030001>>48)
			s1 += uint32(v * ones >> 48)
			q = q[64:]
		}
		for _, b := range q {
			s1 += uint32(b)
			s2 += s1
		}
		s1 %= mod
		s2 %= mod
	}
	return s2<<16 | s1
}
