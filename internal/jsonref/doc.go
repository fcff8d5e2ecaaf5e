// Package jsonref holds reference implementations that tests and fuzz
// targets compare stmotion's JSON decoding with: slow, obviously correct
// rebuilds with encoding/json and math/big, used by more than one
// package's tests. Nothing in the product calls it.
package jsonref
