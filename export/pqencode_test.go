package export

import (
	"bytes"
	"math"
	"math/rand/v2"
	"testing"
)

// naivePack packs vals w bits each, least significant bit first, one bit
// at a time: the reference for appendMiniblock.
func naivePack(vals []uint64, w uint) []byte {
	out := make([]byte, (uint(len(vals))*w+7)/8)
	bit := uint(0)
	for _, v := range vals {
		for k := range w {
			if v>>k&1 == 1 {
				out[bit/8] |= 1 << (bit % 8)
			}
			bit++
		}
	}
	return out
}

// appendMiniblock packs like the one-bit-at-a-time reference for every
// width, including 64 and widths whose groups straddle words.
func TestAppendMiniblock(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for w := uint(0); w <= 64; w++ {
		for range 5 {
			var vals [deltaMini]uint64
			for j := range vals {
				if w > 0 {
					vals[j] = rng.Uint64() >> (64 - w)
				}
			}
			got := appendMiniblock([]byte{0xee}, &vals, w)
			want := append([]byte{0xee}, naivePack(vals[:], w)...)
			if string(got) != string(want) {
				t.Fatalf("width %d, values %x:\n got  %x\n want %x", w, vals, got, want)
			}
		}
	}
}

// runLen agrees with a plain scan, for runs that end inside, at the edge
// of and after an 8-value word, and at the end of the slice.
func TestRunLen(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for range 200 {
		idx := make([]int8, 1+rng.IntN(40))
		for i := range idx {
			idx[i] = int8(rng.IntN(2) * rng.IntN(3)) // mostly zeros: long runs
		}
		for i := range idx {
			want := 1
			for i+want < len(idx) && idx[i+want] == idx[i] {
				want++
			}
			if got := runLen(idx, i); got != want {
				t.Fatalf("runLen(%v, %d) = %d, want %d", idx, i, got, want)
			}
		}
	}
}

// appendByteStreamSplit32 and appendByteStreamSplit64 lay out byte k of
// value i at k·n + i, for every length around the 8-value blocks, after
// bytes already in dst, with the bits of every class of float (NaN
// payloads included).
func TestByteStreamSplit(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	for n := range 40 {
		u := make([]uint64, n)
		v32, v64 := make([]float32, n), make([]float64, n)
		for i := range u {
			u[i] = rng.Uint64()
			v32[i], v64[i] = math.Float32frombits(uint32(u[i])), math.Float64frombits(u[i])
		}
		for _, c := range []struct {
			width int
			got   []byte
		}{
			{4, appendByteStreamSplit32([]byte{0xee, 0xdd}, v32)},
			{8, appendByteStreamSplit64([]byte{0xee, 0xdd}, v64)},
		} {
			want := make([]byte, 2+c.width*n)
			want[0], want[1] = 0xee, 0xdd
			for i, x := range u {
				for k := range c.width {
					want[2+k*n+i] = byte(x >> (8 * k))
				}
			}
			if !bytes.Equal(c.got, want) {
				t.Fatalf("%d values of %d bytes %x:\n got  %x\n want %x", n, c.width, u, c.got, want)
			}
		}
	}
}

func BenchmarkByteStreamSplit32(b *testing.B) {
	rows := gameSamples(16384)
	v := make([]float32, len(rows))
	for i := range rows {
		v[i] = float32(rows[i].X_m)
	}
	buf := make([]byte, 0, 4*len(v))
	b.SetBytes(int64(4 * len(v)))
	for b.Loop() {
		buf = appendByteStreamSplit32(buf[:0], v)
	}
}

// benchColumns are the samples columns of a game's 131072 rows that the
// encoder benchmarks encode.
func benchColumns() (ints [3][]int64, kinds []int8) {
	rows := gameSamples(1 << 17)
	for k := range ints {
		ints[k] = make([]int64, len(rows))
	}
	kinds = make([]int8, len(rows))
	for i, s := range rows {
		ints[0][i], ints[1][i], ints[2][i] = s.T_ms, s.SensorID, s.TeamID
		kinds[i], _ = kindIndex(s.Kind)
	}
	return ints, kinds
}

// ns/op is per value: t, sensor_id and team_id of a game, one delta page
// each per 1024 values (whole blocks).
func BenchmarkDeltaBinaryPacked(b *testing.B) {
	ints, _ := benchColumns()
	var buf []byte
	n := 0
	for b.Loop() {
		col := ints[n%3]
		i := (n / 3 * deltaBatch) % (len(col) - deltaBatch)
		buf = appendDeltaBlocks(buf[:0], col[i:i+deltaBatch+1])
		n++
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*deltaBatch), "ns/value")
}

func BenchmarkDictIndices(b *testing.B) {
	_, kinds := benchColumns()
	var buf []byte
	for b.Loop() {
		buf = appendDictIndices(buf[:0], kinds, 2)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(kinds)), "ns/value")
}
