package export

import (
	"encoding/binary"
	"math"
	"math/bits"

	"github.com/apache/arrow-go/v18/arrow"
)

// The Parquet value encodings of the samples and heatmaps tables' pages,
// written here instead of by arrow-go's encoders (see directParquet for
// why). Each function appends the encoded values of one data page to dst
// and follows the Parquet format specification (parquet-format
// Encodings.md); the tests decode their output with arrow-go's readers.
// None allocates when dst has room.

// appendByteStreamSplit64 appends v in the BYTE_STREAM_SPLIT encoding of
// DOUBLE values (the heatmaps table's): byte k of every value's
// little-endian bits, then byte k+1, for k = 0..7:
//
//	out[k*len(v) + i] = byte(Float64bits(v[i]) >> (8*k))
//
// Eight values at a time are an 8×8 byte matrix (row i = value i, byte k
// of the row at bits 8k..8k+7) transposed in registers, so that each
// stream receives one 8-byte store instead of eight single-byte ones.
// Three rounds swap the off-diagonal 4×4, 2×2 and 1×1 blocks (the classic
// recursive transpose, as xor swaps under masks); after them word k holds
// byte k of the eight values. It is written out in full: a helper taking
// the words as an array was not inlined and cost twice as much. A byte
// loop does the last len(v) % 8 values.
func appendByteStreamSplit64(dst []byte, v []float64) []byte {
	n := len(v)
	start := len(dst)
	dst = grow(dst, 8*n)
	out := dst[start : start+8*n]
	s0, s1, s2, s3 := out[:n], out[n:2*n], out[2*n:3*n], out[3*n:4*n]
	s4, s5, s6, s7 := out[4*n:5*n], out[5*n:6*n], out[6*n:7*n], out[7*n:8*n]
	const m32, m16, m8 = 0x00000000ffffffff, 0x0000ffff0000ffff, 0x00ff00ff00ff00ff
	i := 0
	for ; i+8 <= n; i += 8 {
		x := v[i : i+8 : i+8]
		w0, w1, w2, w3 := math.Float64bits(x[0]), math.Float64bits(x[1]), math.Float64bits(x[2]), math.Float64bits(x[3])
		w4, w5, w6, w7 := math.Float64bits(x[4]), math.Float64bits(x[5]), math.Float64bits(x[6]), math.Float64bits(x[7])
		var t uint64
		t = (w0>>32 ^ w4) & m32
		w0, w4 = w0^t<<32, w4^t
		t = (w1>>32 ^ w5) & m32
		w1, w5 = w1^t<<32, w5^t
		t = (w2>>32 ^ w6) & m32
		w2, w6 = w2^t<<32, w6^t
		t = (w3>>32 ^ w7) & m32
		w3, w7 = w3^t<<32, w7^t
		t = (w0>>16 ^ w2) & m16
		w0, w2 = w0^t<<16, w2^t
		t = (w1>>16 ^ w3) & m16
		w1, w3 = w1^t<<16, w3^t
		t = (w4>>16 ^ w6) & m16
		w4, w6 = w4^t<<16, w6^t
		t = (w5>>16 ^ w7) & m16
		w5, w7 = w5^t<<16, w7^t
		t = (w0>>8 ^ w1) & m8
		w0, w1 = w0^t<<8, w1^t
		t = (w2>>8 ^ w3) & m8
		w2, w3 = w2^t<<8, w3^t
		t = (w4>>8 ^ w5) & m8
		w4, w5 = w4^t<<8, w5^t
		t = (w6>>8 ^ w7) & m8
		w6, w7 = w6^t<<8, w7^t
		binary.LittleEndian.PutUint64(s0[i:], w0)
		binary.LittleEndian.PutUint64(s1[i:], w1)
		binary.LittleEndian.PutUint64(s2[i:], w2)
		binary.LittleEndian.PutUint64(s3[i:], w3)
		binary.LittleEndian.PutUint64(s4[i:], w4)
		binary.LittleEndian.PutUint64(s5[i:], w5)
		binary.LittleEndian.PutUint64(s6[i:], w6)
		binary.LittleEndian.PutUint64(s7[i:], w7)
	}
	for ; i < n; i++ {
		u := math.Float64bits(v[i])
		s0[i], s1[i], s2[i], s3[i] = byte(u), byte(u>>8), byte(u>>16), byte(u>>24)
		s4[i], s5[i], s6[i], s7[i] = byte(u>>32), byte(u>>40), byte(u>>48), byte(u>>56)
	}
	return dst
}

// appendByteStreamSplit32 appends v in the BYTE_STREAM_SPLIT encoding of
// FLOAT (float32) values: byte k of every value's little-endian bits, then
// byte k+1, for k = 0..3:
//
//	out[k*len(v) + i] = byte(Float32bits(v[i]) >> (8*k))
//
// Eight values at a time are two 4×4 byte matrices side by side in four
// 64-bit words (word k holds value k in its low half and value k+4 in its
// high half, byte j of a value at bits 8j..8j+7 of its half), transposed
// in registers: two rounds swap the off-diagonal 2×2 and 1×1 blocks of
// both halves at once (the classic recursive transpose, as xor swaps under
// masks). Word k then holds byte k of values 0..3 and then of values
// 4..7, in order: one 8-byte store per stream instead of eight single-byte
// ones. It is written out in full: a helper taking the words as an array
// was not inlined and cost twice as much (measured on the float64
// version, which this one replaced). A byte loop does the last
// len(v) % 8 values.
func appendByteStreamSplit32(dst []byte, v []float32) []byte {
	n := len(v)
	start := len(dst)
	dst = grow(dst, 4*n)
	out := dst[start : start+4*n]
	s0, s1, s2, s3 := out[:n], out[n:2*n], out[2*n:3*n], out[3*n:4*n]
	const m16, m8 = 0x0000ffff0000ffff, 0x00ff00ff00ff00ff
	i := 0
	for ; i+8 <= n; i += 8 {
		x := v[i : i+8 : i+8]
		w0 := uint64(math.Float32bits(x[0])) | uint64(math.Float32bits(x[4]))<<32
		w1 := uint64(math.Float32bits(x[1])) | uint64(math.Float32bits(x[5]))<<32
		w2 := uint64(math.Float32bits(x[2])) | uint64(math.Float32bits(x[6]))<<32
		w3 := uint64(math.Float32bits(x[3])) | uint64(math.Float32bits(x[7]))<<32
		var t uint64
		t = (w0>>16 ^ w2) & m16
		w0, w2 = w0^t<<16, w2^t
		t = (w1>>16 ^ w3) & m16
		w1, w3 = w1^t<<16, w3^t
		t = (w0>>8 ^ w1) & m8
		w0, w1 = w0^t<<8, w1^t
		t = (w2>>8 ^ w3) & m8
		w2, w3 = w2^t<<8, w3^t
		binary.LittleEndian.PutUint64(s0[i:], w0)
		binary.LittleEndian.PutUint64(s1[i:], w1)
		binary.LittleEndian.PutUint64(s2[i:], w2)
		binary.LittleEndian.PutUint64(s3[i:], w3)
	}
	for ; i < n; i++ {
		u := math.Float32bits(v[i])
		s0[i], s1[i], s2[i], s3[i] = byte(u), byte(u>>8), byte(u>>16), byte(u>>24)
	}
	return dst
}

// grow extends dst by n bytes (their values are unspecified).
func grow(dst []byte, n int) []byte {
	if cap(dst)-len(dst) < n {
		d := make([]byte, len(dst), 2*cap(dst)+n)
		copy(d, dst)
		dst = d
	}
	return dst[:len(dst)+n]
}

// DELTA_BINARY_PACKED layout, as arrow-go and parquet-mr write it: blocks
// of 128 deltas, each in 4 miniblocks of 32 bit-packed values.
const (
	deltaBlock      = 128
	deltaMiniblocks = 4
	deltaMini       = deltaBlock / deltaMiniblocks
)

// deltaBatch is arrow-go's default WriteBatchSize as whole blocks of
// deltas: the unit BenchmarkDeltaBinaryPacked encodes. (Pages grow by
// WriteBatchSize values, see columnSeq.int64s.)
const deltaBatch = 8 * deltaBlock

// appendDeltaHeader appends the header of a DELTA_BINARY_PACKED page of n
// values starting with first: block size, miniblocks per block and n as
// ULEB128, first as a zigzag varint. The page is the header and then
// appendDeltaBlocks of its values.
func appendDeltaHeader(dst []byte, n int, first int64) []byte {
	dst = binary.AppendUvarint(dst, deltaBlock)
	dst = binary.AppendUvarint(dst, deltaMiniblocks)
	dst = binary.AppendUvarint(dst, uint64(n))
	return binary.AppendVarint(dst, first)
}

// appendDeltaBlocks appends the blocks of the DELTA_BINARY_PACKED
// encoding of the deltas d[i] = v[i+1] - v[i] (two's complement,
// wrapping), 128 per block: the smallest delta min as a zigzag varint, one
// bit width per miniblock of 32, and each miniblock's d - min bit-packed in
// that width (the last miniblock padded with zeros to 32 values; unused
// miniblocks of the last block have width 0 and no bytes). Only the last
// block of a page may be short: a page's blocks are appended in calls
// that each but the last cover a multiple of 128 deltas.
func appendDeltaBlocks(dst []byte, v []int64) []byte {
	var u [deltaBlock]uint64
	for i := 1; i < len(v); i += deltaBlock {
		block := v[i-1 : min(i+deltaBlock, len(v))] // the previous value, then the block's values
		m := len(block) - 1
		d := u[:m]
		minD := int64(math.MaxInt64)
		prev := block[0]
		for j := range d {
			dj := block[j+1] - prev
			prev = block[j+1]
			d[j] = uint64(dj)
			minD = min(minD, dj)
		}
		dst = binary.AppendVarint(dst, minD)
		widths := len(dst)
		dst = append(dst, 0, 0, 0, 0)
		for mb := 0; mb*deltaMini < m; mb++ {
			vals := (*[deltaMini]uint64)(u[mb*deltaMini:])
			k := min(deltaMini, m-mb*deltaMini)
			var or uint64
			for j := range vals[:k] {
				vals[j] -= uint64(minD)
				or |= vals[j]
			}
			clear(vals[k:]) // padding, packed as zeros
			w := uint(bits.Len64(or))
			dst[widths+mb] = byte(w)
			dst = appendMiniblock(dst, vals, w)
		}
	}
	return dst
}

// appendMiniblock appends the 32 values of a miniblock (each < 2^w) packed
// w bits each, least significant bit first. Values are first gathered in
// groups of g, the largest power of two with g·w ≤ 64 (at most 32), so that the
// accumulator that cuts the stream into 64-bit words works per group.
func appendMiniblock(dst []byte, vals *[deltaMini]uint64, w uint) []byte {
	if w == 0 {
		return dst
	}
	g := min(1<<(bits.Len(uint(64/w))-1), deltaMini)
	gw := uint(g) * w
	var acc uint64 // bits not yet written, from bit 0
	var n uint     // how many (< 64)
	for j := 0; j < deltaMini; j += g {
		y := vals[j]
		s := w
		for _, x := range vals[j+1 : j+g] {
			y |= x << (s & 63)
			s += w
		}
		acc |= y << (n & 63)
		if n+gw < 64 {
			n += gw
			continue
		}
		dst = binary.LittleEndian.AppendUint64(dst, acc)
		n = n + gw - 64 // bits of y left over
		acc = 0
		if n > 0 {
			acc = y >> ((gw - n) & 63)
		}
	}
	for ; n > 0; n -= 8 { // 32w bits in all: n is 0 or 32
		dst = append(dst, byte(acc))
		acc >>= 8
	}
	return dst
}

// dictIndexWidth is the bit width of the indices into a dictionary of n
// values, as arrow-go writes it in the first byte of an RLE_DICTIONARY page.
func dictIndexWidth(n int) uint {
	if n <= 1 {
		return uint(n)
	}
	return uint(bits.Len(uint(n - 1)))
}

// appendDictIndices appends the data of an RLE_DICTIONARY page: the bit
// width w (w ≤ 8), then idx in the RLE / bit-packing hybrid. A value
// repeated 8 times or more is an RLE run; everything between runs goes into
// bit-packed runs of groups of 8 values, each first filled up to a whole
// group with values of the run that follows it (the last one is padded
// with zeros, which readers ignore: the page header gives the count).
func appendDictIndices(dst []byte, idx []int8, w uint) []byte {
	dst = append(dst, byte(w))
	lit := 0 // start of the values not yet written
	for i := 0; i < len(idx); {
		r := runLen(idx, i)
		j := i + r
		if r < 8 {
			i = j
			continue
		}
		pad := (8 - (i-lit)%8) % 8
		i += pad
		r -= pad
		if i > lit {
			dst = appendLiteralRun(dst, idx[lit:i], w)
		}
		lit = i
		if r >= 8 {
			dst = binary.AppendUvarint(dst, uint64(r)<<1)
			dst = append(dst, byte(idx[i]))
			lit = i + r
		}
		i += r
	}
	if lit < len(idx) {
		dst = appendLiteralRun(dst, idx[lit:], w)
	}
	return dst
}

// runLen is the length of the run of equal values that starts at idx[i].
// It compares eight values at a time: their bytes xor eight copies of
// idx[i] are zero as long as the run goes on.
func runLen(idx []int8, i int) int {
	v := idx[i]
	rep := uint64(uint8(v)) * 0x0101010101010101
	j := i + 1
	for ; j+8 <= len(idx); j += 8 {
		x := (*[8]int8)(idx[j:])
		word := uint64(uint8(x[0])) | uint64(uint8(x[1]))<<8 | uint64(uint8(x[2]))<<16 | uint64(uint8(x[3]))<<24 |
			uint64(uint8(x[4]))<<32 | uint64(uint8(x[5]))<<40 | uint64(uint8(x[6]))<<48 | uint64(uint8(x[7]))<<56
		if diff := word ^ rep; diff != 0 {
			return j + bits.TrailingZeros64(diff)/8 - i
		}
	}
	for j < len(idx) && idx[j] == v {
		j++
	}
	return j - i
}

// appendLiteralRun appends a bit-packed run of vals (each < 2^w, w ≤ 8),
// padded with zeros to a multiple of 8 values: each group of 8 is built
// in a 64-bit word and its w bytes appended.
func appendLiteralRun(dst []byte, vals []int8, w uint) []byte {
	groups := (len(vals) + 7) / 8
	dst = binary.AppendUvarint(dst, uint64(groups)<<1|1)
	for k := 0; k < len(vals); k += 8 {
		var g uint64
		for j, x := range vals[k:min(k+8, len(vals))] {
			g |= uint64(uint8(x)) << (uint(j) * w & 63)
		}
		dst = binary.LittleEndian.AppendUint64(dst, g)[:len(dst)+int(w)]
	}
	return dst
}

// appendPlainByteArrays appends vs in the PLAIN encoding of BYTE_ARRAY
// values (a dictionary page, or a page of strings): each as a 4-byte little-endian length and
// its bytes.
func appendPlainByteArrays(dst []byte, vs []string) []byte {
	for _, s := range vs {
		dst = binary.LittleEndian.AppendUint32(dst, uint32(len(s)))
		dst = append(dst, s...)
	}
	return dst
}

// appendPlainInt32 appends v in the PLAIN encoding: 4 bytes little endian
// each. On a little-endian machine that is v's memory, copied at once.
func appendPlainInt32(dst []byte, v []int32) []byte {
	if nativeLittleEndian {
		return append(dst, arrow.Int32Traits.CastToBytes(v)...)
	}
	start := len(dst)
	dst = grow(dst, 4*len(v))
	out := dst[start:]
	for i, x := range v {
		binary.LittleEndian.PutUint32(out[4*i:], uint32(x))
	}
	return dst
}

// appendPlainInt64 appends v in the PLAIN encoding: 8 bytes little endian
// each.
func appendPlainInt64(dst []byte, v []int64) []byte {
	if nativeLittleEndian {
		return append(dst, arrow.Int64Traits.CastToBytes(v)...)
	}
	start := len(dst)
	dst = grow(dst, 8*len(v))
	out := dst[start:]
	for i, x := range v {
		binary.LittleEndian.PutUint64(out[8*i:], uint64(x))
	}
	return dst
}

// nativeLittleEndian reports whether the machine stores integers least
// significant byte first, as Parquet's PLAIN encoding does.
var nativeLittleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// appendPlainBools appends n bits of bitmap from bit off (a multiple of 8)
// in the PLAIN encoding of booleans, which is the Arrow bitmap's: LSB
// first, the unused high bits of the last byte cleared.
func appendPlainBools(dst []byte, bitmap []byte, off, n int) []byte {
	dst = append(dst, bitmap[off/8:(off+n+7)/8]...)
	if r := n % 8; r != 0 {
		dst[len(dst)-1] &= byte(1)<<r - 1
	}
	return dst
}
