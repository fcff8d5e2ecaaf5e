//go:build !linux

package main

import "errors"

// setImmutable is the Linux file attribute only (immutable_linux_test.go).
func setImmutable(path string, on bool) error { return errors.ErrUnsupported }
