package mr001

// Task is run by the scheduler below; two types implement it.
type Task interface {
	Execute()
	Label() string
}

// Reindex counts documents per run.
type Reindex struct {
	runs map[string]int
}

// Execute bumps the run count.
func (r *Reindex) Execute() { r.runs["reindex"]++ } // want "MR001" `^write of r\.runs in .* races with the same line`

// Label names the task.
func (r *Reindex) Label() string { return "reindex" }

// Vacuum records what it has cleaned.
type Vacuum struct {
	cleaned map[string]bool
}

// Execute marks the table cleaned.
func (v *Vacuum) Execute() { v.cleaned["users"] = true } // want "MR001" `^write of v\.cleaned in .* races with the same line`

// Label names the task.
func (v *Vacuum) Label() string { return "vacuum" }

// Case: the same task, through the interface, runs in three goroutines at once; each
// implementation's write races with itself.
func ExecuteWithRetries(t Task) {
	for i := 0; i < 3; i++ {
		go t.Execute()
	}
}

// Negative: one goroutine per task.
func ExecuteAll(tasks []Task) {
	for _, t := range tasks {
		go t.Execute()
	}
}

// Negative: the tasks run one after the other on a single goroutine.
func ExecuteInOrder(tasks []Task, done chan<- bool) {
	go func() {
		for _, t := range tasks {
			t.Execute()
		}
		done <- true
	}()
}
