package export

import (
	"math/bits"
	"sync"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

// recycler is a memory.Allocator that keeps the buffers freed to it and
// hands them out again, instead of asking its parent allocator (and so, by
// default, the Go heap) for new ones. arrow-go's Parquet writer frees and
// allocates the same few sizes for every column chunk and page (encoder
// and level buffers, dictionary indices); a fresh large Go allocation is
// zeroed page by page and becomes garbage a few microseconds later.
//
// Buffers of at least minRecycle bytes are rounded up to a power of two
// and kept in one free list per size after Free; smaller ones go straight
// to the parent. A reused buffer is cleared before it is returned, as the
// Go allocator's are. The free lists hold at most what was in use at once,
// so they do not grow with the length of a session. release gives every
// kept buffer back to the parent: a memory.CheckedAllocator parent then
// sees everything freed, and still sees any buffer that its user leaked.
//
// It is safe for concurrent use (the samples table is encoded on a second
// goroutine while the others are filled).
type recycler struct {
	parent memory.Allocator
	mu     sync.Mutex
	free   [bits.UintSize][][]byte // by log2 of the capacity
}

// minRecycle is the smallest size kept for reuse: smaller allocations are
// cheap for the Go allocator and rounding them up would waste more.
const minRecycle = 4 << 10

func newRecycler(parent memory.Allocator) *recycler { return &recycler{parent: parent} }

func (r *recycler) Allocate(size int) []byte {
	if size < minRecycle {
		return r.parent.Allocate(size)
	}
	c := bits.Len(uint(size - 1))
	r.mu.Lock()
	if l := r.free[c]; len(l) > 0 {
		b := l[len(l)-1]
		l[len(l)-1] = nil
		r.free[c] = l[:len(l)-1]
		r.mu.Unlock()
		clear(b)
		return b[:size]
	}
	r.mu.Unlock()
	return r.parent.Allocate(1 << c)[:size]
}

func (r *recycler) Reallocate(size int, b []byte) []byte {
	if cap(b) < minRecycle && size < minRecycle {
		return r.parent.Reallocate(size, b)
	}
	if recyclable(cap(b)) && cap(b) >= size {
		// In place, as memory.GoAllocator does; the bytes past len(b) are
		// those of the original (cleared) allocation.
		return b[:size]
	}
	nb := r.Allocate(size)
	copy(nb, b)
	r.Free(b)
	return nb
}

func (r *recycler) Free(b []byte) {
	c := cap(b)
	if !recyclable(c) {
		r.parent.Free(b)
		return
	}
	r.mu.Lock()
	i := bits.Len(uint(c - 1))
	r.free[i] = append(r.free[i], b[:c])
	r.mu.Unlock()
}

// release gives every kept buffer back to the parent allocator. The
// recycler stays usable.
func (r *recycler) release() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i, l := range r.free {
		for _, b := range l {
			r.parent.Free(b)
		}
		r.free[i] = nil
	}
}

// recyclable reports whether a buffer of capacity c came from the free
// lists' sizes (the parent's own allocations have cap = len < minRecycle).
func recyclable(c int) bool { return c >= minRecycle && c&(c-1) == 0 }
