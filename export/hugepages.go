package export

import "unsafe"

// hugePage is the size of a transparent huge page on amd64 and arm64
// Linux: the alignment that lets the kernel back a buffer with them.
const hugePage = 2 << 20

// columnArena returns n zero bytes for the samples columns (sampleCols),
// in one allocation. From hugePage bytes on, it starts on a hugePage
// boundary and asks the kernel (adviseHuge; Linux's madvise
// MADV_HUGEPAGE, a no-op elsewhere or where transparent huge pages are
// off) to back it with huge pages: the first write to the two 7 MB
// buffers of a Writer at DefaultBatchRows then takes 8 page faults
// instead of 3 500, about 10 ms of a lone 12-minute game's 200 ms of CPU
// (docs/performance.md). The cost: the unaligned head of the allocation
// (under 2 MiB of address space, never written, so never resident), and
// a session of a few rows makes resident a huge page per column it
// touches instead of a 4 KiB one, up to the buffers' whole size, which
// freeCols keeps for the next Writers anyway.
func columnArena(n int) []byte {
	if n < hugePage {
		return make([]byte, n)
	}
	b := make([]byte, n+hugePage)
	off := int(-uintptr(unsafe.Pointer(unsafe.SliceData(b))) & (hugePage - 1))
	b = b[off : off+n : off+n]
	adviseHuge(b[:n&^(hugePage-1)])
	return b
}

// carve cuts the first n values of type T off the front of *arena,
// rounded up to 64 bytes so that every column starts on a cache line (the
// arena starts on one). The values alias the arena: its allocation lives
// as long as any of them.
func carve[T int8 | int32 | int64 | float32 | byte](arena *[]byte, n int) []T {
	if n == 0 {
		return nil
	}
	size := int(unsafe.Sizeof(T(0))) * n
	b := (*arena)[:size:size] // panics if the arena is too small
	*arena = (*arena)[min((size+63)&^63, len(*arena)):]
	return unsafe.Slice((*T)(unsafe.Pointer(unsafe.SliceData(b))), n)
}
