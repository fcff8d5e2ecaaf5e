package live

// fifoSet is a set of at most max keys, and of at most maxWeight in all
// (each key weighing weight(k); nil: nothing), that forgets its oldest
// keys, in the order they were added, to make room for a new one. The
// duplicate filter holds its stats, shots and markers in them: replays
// come after a reconnect, a handover or a re-join, of what was received
// not long before, so what a bound forgets first is what is least likely
// to come again; a replay of a key forgotten is let through (recorded,
// and the engine drops it or finds it stale: see dedup).
type fifoSet[K comparable] struct {
	m         map[K]struct{}
	ring      []K // the keys from head on (wrapping around), oldest first, n of them
	head, n   int
	max       int
	weight    func(K) int
	w         int // the keys' weight in all
	maxWeight int
	forgotten int64 // keys forgotten to make room
}

func newFIFOSet[K comparable](max int, weight func(K) int, maxWeight int) *fifoSet[K] {
	return &fifoSet[K]{m: map[K]struct{}{}, max: max, weight: weight, maxWeight: maxWeight}
}

// has reports whether k is in the set.
func (s *fifoSet[K]) has(k K) bool {
	_, ok := s.m[k]
	return ok
}

// mark reports whether k is in the set, and adds it otherwise.
func (s *fifoSet[K]) mark(k K) bool {
	if s.has(k) {
		return true
	}
	s.add(k)
	return false
}

// add adds k, which is not in the set, forgetting the oldest keys as the
// bounds need. A key heavier than maxWeight alone is not kept.
func (s *fifoSet[K]) add(k K) {
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
