package safe

import (
	"net/http"
	"sync"
)

// Order is a priced order.
type Order struct {
	Region, Currency string
	Amount           float64
}

// Safe: the nested rate table is built completely before the goroutines start; they only read it.
func PriceOrders(orders []Order, rates map[string]float64) []float64 {
	byRegion := make(map[string]map[string]float64)
	for code, r := range rates {
		region := code[:2]
		if byRegion[region] == nil {
			byRegion[region] = make(map[string]float64)
		}
		byRegion[region][code] = r
	}
	out := make([]float64, len(orders))
	var wg sync.WaitGroup
	for i, o := range orders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i] = o.Amount * byRegion[o.Region][o.Currency]
		}()
	}
	wg.Wait()
	return out
}

// Safe: a table built before the workers start is passed to each as an argument and only read.
func Translate(jobs <-chan string, results chan<- string, pairs [][2]string, workers int) {
	dict := make(map[string]string, len(pairs))
	for _, p := range pairs {
		dict[p[0]] = p[1]
	}
	for i := 0; i < workers; i++ {
		go translateWorker(jobs, results, dict)
	}
}

func translateWorker(jobs <-chan string, results chan<- string, dict map[string]string) {
	for word := range jobs {
		if t, ok := dict[word]; ok {
			results <- t
			continue
		}
		results <- word
	}
}

// StaticServer serves a nested asset index built by its constructor and never changed.
type StaticServer struct {
	assets map[string]map[string][]byte // dir -> file -> content
}

// NewStaticServer copies the assets into a fresh nested map.
func NewStaticServer(files map[string][]byte, dirOf func(string) string) *StaticServer {
	assets := make(map[string]map[string][]byte)
	for name, b := range files {
		d := dirOf(name)
		if assets[d] == nil {
			assets[d] = make(map[string][]byte)
		}
		assets[d][name] = b
	}
	return &StaticServer{assets: assets}
}

// Safe: ServeHTTP runs in parallel with itself but only reads.
func (s *StaticServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, ok := s.assets[r.FormValue("dir")][r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	_, _ = w.Write(b)
}
