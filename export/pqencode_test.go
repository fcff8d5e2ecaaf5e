package export

import (
	"testing"
)

func BenchmarkByteStreamSplit64(b *testing.B) {
	rows := gameSamples(8192)
	v := make([]float64, len(rows))
	for i := range rows {
		v[i] = rows[i].X_m
	}
	buf := make([]byte, 0, 8*len(v))
	b.SetBytes(int64(8 * len(v)))
	for b.Loop() {
		buf = appendByteStreamSplit64(buf[:0], v)
	}
}
