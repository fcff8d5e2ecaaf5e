package export

import (
	"testing"
	"unsafe"
)

// The columns carved from an arena are the sizes asked for, start on
// cache lines (and the arena of a full buffer on a huge page), and do not
// overlap: every column keeps what was written to it.
func TestSampleColsArena(t *testing.T) {
	for _, capacity := range []int{1, 7, 1000, DefaultBatchRows} {
		c := getCols(capacity)
		if capacity == DefaultBatchRows {
			if p := uintptr(unsafe.Pointer(&c.t[0])); p%hugePage != 0 {
				t.Errorf("capacity %d: arena at %#x, not on a %d-byte boundary", capacity, p, hugePage)
			}
		}
		type col struct {
			name string
			p    unsafe.Pointer
			n    int
		}
		nb := (capacity + 7) / 8
		cols := []col{
			{"t", unsafe.Pointer(&c.t[0]), len(c.t)}, {"sensor", unsafe.Pointer(&c.sensor[0]), len(c.sensor)},
			{"team", unsafe.Pointer(&c.team[0]), len(c.team)}, {"x", unsafe.Pointer(&c.x[0]), len(c.x)},
			{"y", unsafe.Pointer(&c.y[0]), len(c.y)}, {"z", unsafe.Pointer(&c.z[0]), len(c.z)},
			{"speed", unsafe.Pointer(&c.speed[0]), len(c.speed)}, {"accel", unsafe.Pointer(&c.accel[0]), len(c.accel)},
			{"head", unsafe.Pointer(&c.head[0]), len(c.head)}, {"period", unsafe.Pointer(&c.period[0]), len(c.period)},
			{"session", unsafe.Pointer(&c.sessionIdx[0]), len(c.sessionIdx)}, {"kind", unsafe.Pointer(&c.kindIdx[0]), len(c.kindIdx)},
			{"clock", unsafe.Pointer(&c.clockIx[0]), len(c.clockIx)},
			{"in_bounds", unsafe.Pointer(&c.inBounds[0]), len(c.inBounds)}, {"holder", unsafe.Pointer(&c.holder[0]), len(c.holder)},
		}
		for i, cl := range cols {
			want := capacity
			if i >= 13 {
				want = nb
			}
			if cl.n != want {
				t.Errorf("capacity %d: %s has %d values, want %d", capacity, cl.name, cl.n, want)
			}
			if uintptr(cl.p)%64 != 0 {
				t.Errorf("capacity %d: %s at %p, not on a cache line", capacity, cl.name, cl.p)
			}
		}
		for i := range capacity {
			c.t[i], c.sensor[i], c.team[i] = int64(i), int64(i)+1, int64(i)+2
			c.x[i], c.y[i], c.z[i], c.speed[i], c.accel[i], c.head[i] = float32(i), float32(i)+1, float32(i)+2, float32(i)+3, float32(i)+4, float32(i)+5
			c.period[i], c.sessionIdx[i], c.kindIdx[i], c.clockIx[i] = int32(i)+6, int8(i), int8(i+1), int8(i+2)
		}
		for i := range nb {
			c.inBounds[i], c.holder[i] = byte(i), byte(i+1)
		}
		for i := range capacity {
			if c.t[i] != int64(i) || c.sensor[i] != int64(i)+1 || c.team[i] != int64(i)+2 ||
				c.x[i] != float32(i) || c.y[i] != float32(i)+1 || c.z[i] != float32(i)+2 ||
				c.speed[i] != float32(i)+3 || c.accel[i] != float32(i)+4 || c.head[i] != float32(i)+5 ||
				c.period[i] != int32(i)+6 || c.sessionIdx[i] != int8(i) || c.kindIdx[i] != int8(i+1) || c.clockIx[i] != int8(i+2) {
				t.Fatalf("capacity %d: row %d overwritten by another column", capacity, i)
			}
		}
		for i := range nb {
			if c.inBounds[i] != byte(i) || c.holder[i] != byte(i+1) {
				t.Fatalf("capacity %d: bitmap byte %d overwritten", capacity, i)
			}
		}
	}
}
