package chart

import (
	"hash/adler32"
	"math/rand/v2"
	"testing"
)

// updateAdler32 gives hash/adler32's checksum for every length around the
// 8-byte words and the 5552-byte blocks, for random bytes and for the
// all-0xff bytes that make the sums largest, from a fresh start and
// continued in pieces.
func TestAdler32(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	buf := make([]byte, 3*5552+40)
	for i := range buf {
		buf[i] = byte(rng.Uint32())
	}
	ff := make([]byte, len(buf))
	for i := range ff {
		ff[i] = 0xff
	}
	for _, data := range [][]byte{buf, ff} {
		for _, n := range []int{0, 1, 7, 8, 9, 15, 16, 17, 100, 5551, 5552, 5553, 5560, 2*5552 + 3, len(data)} {
			p := data[:n]
			if got, want := updateAdler32(1, p), adler32.Checksum(p); got != want {
				t.Fatalf("%d bytes (first %#x): %#08x, want %#08x", n, data[0], got, want)
			}
			// In two pieces, the first of odd length.
			k := n / 3
			if k%2 == 0 && k > 0 {
				k--
			}
			if got, want := updateAdler32(updateAdler32(1, p[:k]), p[k:]), adler32.Checksum(p); got != want {
				t.Fatalf("%d bytes in pieces of %d and %d: %#08x, want %#08x", n, k, n-k, got, want)
			}
		}
	}
}

func FuzzAdler32(f *testing.F) {
	f.Add([]byte("a chart is large areas of one colour"), uint16(5))
	f.Fuzz(func(t *testing.T, p []byte, cut uint16) {
		k := int(cut) % (len(p) + 1)
		if got, want := updateAdler32(updateAdler32(1, p[:k]), p[k:]), adler32.Checksum(p); got != want {
			t.Fatalf("%d bytes cut at %d: %#08x, want %#08x", len(p), k, got, want)
		}
	})
}

func BenchmarkAdler32(b *testing.B) {
	p := make([]byte, 3*838*460)
	for i := range p {
		p[i] = byte(i * 7 % 253)
	}
	b.SetBytes(int64(len(p)))
	b.Run("stmotion", func(b *testing.B) {
		for b.Loop() {
			updateAdler32(1, p)
		}
	})
	b.Run("hash-adler32", func(b *testing.B) {
		for b.Loop() {
			adler32.Checksum(p)
		}
	})
}
