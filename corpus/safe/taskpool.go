package safe

import "sync"

// Task carries its own state: each worker gets its own tasks from the channel.
type Task struct {
	id     int
	fields map[string]string
}

// Safe: a worker pool; every task is received by exactly one worker.
func RunTasks(tasks []*Task) {
	ch := make(chan *Task)
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for t := range ch {
				t.fields["done"] = "yes"
				delete(t.fields, "pending")
			}
		}()
	}
	for _, t := range tasks {
		ch <- t
	}
	close(ch)
	wg.Wait()
}

// Safe: the same with a worker function that receives from its parameter.
func RunTasksWith(tasks []*Task) {
	ch := make(chan *Task)
	done := make(chan struct{})
	for i := 0; i < 4; i++ {
		go taskWorker(ch, done)
	}
	for _, t := range tasks {
		ch <- t
	}
	close(ch)
	for i := 0; i < 4; i++ {
		<-done
	}
}

func taskWorker(ch <-chan *Task, done chan<- struct{}) {
	for t := range ch {
		if t.fields["state"] == "" {
			t.fields["state"] = "seen"
		}
	}
	done <- struct{}{}
}
