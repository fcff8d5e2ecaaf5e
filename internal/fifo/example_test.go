package fifo_test

import (
	"fmt"

	"github.com/stmotion/stmotion/internal/fifo"
)

// A set of two keys forgets the oldest to make room, and counts it.
func Example() {
	s := fifo.New[string](2, nil, 0)
	for _, k := range []string{"a", "b", "a", "c", "a"} {
		fmt.Println(k, "seen before:", s.Mark(k))
	}
	fmt.Println("held:", s.Len(), "forgotten:", s.Forgotten())
	// Output:
	// a seen before: false
	// b seen before: false
	// a seen before: true
	// c seen before: false
	// a seen before: false
	// held: 2 forgotten: 2
}
