package jsonref_test

import (
	"fmt"

	"github.com/stmotion/stmotion/internal/jsonref"
)

// Integers written as floats become integers; a fraction stays.
func ExampleIntegralRef() {
	fmt.Println(string(jsonref.IntegralRef([]byte(`{"started_at": 1.7641512e12, "x": 0.5}`))))
	// Output: {"started_at":1764151200000,"x":0.5}
}
