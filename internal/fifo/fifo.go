package fifo

// Set is a set of at most maxKeys keys (see New), and of at most maxWeight in all
// (each key weighing weight(k); nil: no weight bound), that forgets its
// oldest keys, in the order they were added, to make room for a new one.
type Set[K comparable] struct {
	m         map[K]struct{}
	ring      []K // the keys from head on (wrapping around), oldest first, n of them
	head, n   int
	max       int
	weight    func(K) int
	w         int // the keys' weight in all
	maxWeight int
	forgotten int64 // keys forgotten to make room (or too heavy to keep)
}

// New returns an empty set of at most maxKeys keys (at least 1) and, with
// weight not nil, at most maxWeight in all.
func New[K comparable](maxKeys int, weight func(K) int, maxWeight int) *Set[K] {
	return &Set[K]{m: map[K]struct{}{}, max: max(maxKeys, 1), weight: weight, maxWeight: maxWeight}
}

// Has reports whether k is in the set.
func (s *Set[K]) Has(k K) bool {
	_, ok := s.m[k]
	return ok
}

// Mark reports whether k is in the set, and adds it otherwise.
func (s *Set[K]) Mark(k K) bool {
	if s.Has(k) {
		return true
	}
	s.add(k)
	return false
}

// Len returns the number of keys held (at most max).
func (s *Set[K]) Len() int { return s.n }

// Weight returns the keys' weight in all (at most maxWeight; 0 without a
// weight function).
func (s *Set[K]) Weight() int { return s.w }

// Forgotten counts the keys forgotten to stay within the bounds, and the
// keys heavier than maxWeight alone, which are never kept: a repeat of
// any of them is no longer recognised.
func (s *Set[K]) Forgotten() int64 { return s.forgotten }

// add adds k, which is not in the set, forgetting the oldest keys as the
// bounds need. A key heavier than maxWeight alone is not kept.
func (s *Set[K]) add(k K) {
	wk := 0
	if s.weight != nil {
		if wk = s.weight(k); wk > s.maxWeight {
			s.forgotten++
			return
		}
	}
	for s.n > 0 && (s.n >= s.max || s.w+wk > s.maxWeight && s.weight != nil) {
		old := s.ring[s.head]
		var zero K
		s.ring[s.head] = zero // a string key's bytes go with it
		s.head = (s.head + 1) % len(s.ring)
		s.n--
		delete(s.m, old)
		if s.weight != nil {
			s.w -= s.weight(old)
		}
		s.forgotten++
	}
	if s.n == len(s.ring) {
		// Full below max: grow, oldest first from index 0.
		r := make([]K, min(max(2*s.n, 16), s.max))
		copy(r, s.ring[s.head:])
		copy(r[len(s.ring)-s.head:], s.ring[:s.head])
		s.ring, s.head = r, 0
	}
	s.ring[(s.head+s.n)%len(s.ring)] = k
	s.n++
	s.w += wk
	s.m[k] = struct{}{}
}
