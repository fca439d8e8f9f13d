package safe

import (
	"errors"
	"runtime"
	"strings"
	"sync"
)

// The registry of open sockets: only unix sockets are kept, and only their path takes the
// lock (`if addr.IsUnix() { mu.Lock(); defer mu.Unlock() }`). The callee touches the table
// on its own unix branch, a test the analysis cannot relate to the caller's condition:
// default output stays silent, `--level all` shows the pairs as lower confidence.
var (
	socketsMu sync.Mutex
	sockets   = map[string]int{}
)

type SocketAddr struct{ Network, Path string }

func (a SocketAddr) IsUnix() bool { return strings.HasPrefix(a.Network, "unix") }

var errDenied = errors.New("denied")

// onPinnedThread runs open once here and, when it is denied, once more on a goroutine
// locked to its OS thread, and waits for that goroutine's result on a channel of capacity
// one: the function value runs as if called in the caller's goroutine.
func onPinnedThread(open func() (int, error)) (int, error) {
	fd, err := open()
	if !errors.Is(err, errDenied) {
		return fd, err
	}
	type result struct {
		fd  int
		err error
	}
	done := make(chan result, 1)
	go func() {
		runtime.LockOSThread()
		fd, err := open()
		done <- result{fd, err}
	}()
	r := <-done
	return r.fd, r.err
}

// Negative (lower confidence): the lock is held when the address is a unix one, and the
// table is written only on the unix branch of openSocket.
func (a SocketAddr) Listen() (int, error) {
	if a.IsUnix() {
		socketsMu.Lock()
		defer socketsMu.Unlock()
	}
	return onPinnedThread(func() (int, error) { return openSocket(a.Network, a.Path) })
}

func openSocket(network, path string) (int, error) {
	if strings.HasPrefix(network, "unix") {
		sockets[path]++ // want-low "MR001" `^write of sockets .*\[lower confidence: the common lock is taken only under a condition`
	}
	return len(path), nil
}

func CloseSocket(path string) {
	socketsMu.Lock()
	defer socketsMu.Unlock()
	delete(sockets, path)
}

func ListenAll(addrs []SocketAddr) {
	for _, a := range addrs {
		go a.Listen()
	}
}

// Negative: the result comes back on a channel of capacity one, which the caller receives
// before it goes on: the worker's write comes before the caller's read.
func LookupWithTimeout(table map[string]int, key string) int {
	found := make(chan bool, 1)
	go func() {
		table[key]++
		found <- true
	}()
	<-found
	return table[key]
}
