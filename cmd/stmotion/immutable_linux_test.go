//go:build linux

package main

import (
	"os"
	"syscall"
	"unsafe"
)

// setImmutable sets (on) or clears the immutable attribute of the file at
// path, as chattr +i does, which stops even root removing it: the
// FS_IOC_SETFLAGS ioctl with FS_IMMUTABLE_FL (linux/fs.h). It needs root
// (CAP_LINUX_IMMUTABLE) and a file system that has the attribute (ext4,
// xfs, btrfs, tmpfs since Linux 6.0).
func setImmutable(path string, on bool) error {
	const fsIocGetflags, fsIocSetflags, fsImmutableFl = 0x80086601, 0x40086602, 0x10
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	// The kernel reads and writes an int through the pointer, whatever
	// the ioctl number's size says; flags outlives both calls.
	var flags int32
	if _, _, errno := syscall.Syscall(syscall.SYS_IOCTL, f.Fd(), fsIocGetflags, uintptr(unsafe.Pointer(&flags))); errno != 0 {
		return errno
	}
	if on {
		flags |= fsImmutableFl
	} else {
		flags &^= fsImmutableFl
	}
	if _, _, errno := syscall.Syscall(syscall.SYS_IOCTL, f.Fd(), fsIocSetflags, uintptr(unsafe.Pointer(&flags))); errno != 0 {
		return errno
	}
	return nil
}
