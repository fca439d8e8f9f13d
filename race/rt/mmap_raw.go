//go:build go1.25 && linux && (amd64 || arm64 || riscv64 || ppc64le || ppc64 || s390x || loong64 || mips64 || mips64le)

package maprace_rt

import (
	"syscall"
	"unsafe"
)

// mmap maps size bytes of fd, shared and read-write, with the mmap system call itself rather
// than syscall.Mmap: syscall.Mmap records every mapping in a package-level map under its own
// mutex, and openSegment runs under the trace lock, which under -race is taken between
// RaceDisable and RaceEnable (race_on.go). The detector then ignores that mutex but still
// checks the map's accesses, and two goroutines that each opened a trace segment were reported
// as a data race in syscall's mmapper (gin's suite failed under `maprace race -- go test -race`,
// "race detected during execution of test"). Here nothing is shared.
func mmap(fd, size int) ([]byte, error) {
	addr, _, errno := syscall.Syscall6(syscall.SYS_MMAP, 0, uintptr(size),
		syscall.PROT_READ|syscall.PROT_WRITE, mapFlags, uintptr(fd), 0)
	if errno != 0 {
		return nil, errno
	}
	// The address the kernel returned, outside Go's heap (read through &addr: vet's
	// unsafeptr check flags a direct uintptr conversion).
	p := *(*unsafe.Pointer)(unsafe.Pointer(&addr))
	return unsafe.Slice((*byte)(p), size), nil
}

// munmap unmaps a region mmap returned.
func munmap(b []byte) {
	syscall.Syscall(syscall.SYS_MUNMAP, uintptr(unsafe.Pointer(unsafe.SliceData(b))), uintptr(len(b)), 0)
}
