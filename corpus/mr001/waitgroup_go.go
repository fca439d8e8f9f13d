//go:build go1.25

package mr001

import "sync"

// Case: sync.WaitGroup.Go started in a loop writes rendered thumbnails into one map.
func RenderThumbnails(images []string, render func(string) []byte) map[string][]byte {
	thumbs := make(map[string][]byte)
	var wg sync.WaitGroup
	for _, img := range images {
		wg.Go(func() {
			thumbs[img] = render(img) // want "MR001" `^write of thumbs in .* races with the same line`
		})
	}
	wg.Wait()
	return thumbs
}
