//go:build go1.25 && !(linux && (amd64 || arm64 || riscv64 || ppc64le || ppc64 || s390x || loong64 || mips64 || mips64le))

package maprace_rt

import "syscall"

// mmap and munmap through syscall's wrappers where mmap_raw.go does not apply (their shared
// bookkeeping can be reported by -race: see mmap_raw.go).
func mmap(fd, size int) ([]byte, error) {
	return syscall.Mmap(fd, 0, size, syscall.PROT_READ|syscall.PROT_WRITE, mapFlags)
}

func munmap(b []byte) { syscall.Munmap(b) }
