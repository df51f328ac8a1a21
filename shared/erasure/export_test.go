package erasure

// SetAfterStep injects f into the engines the task runner builds; the
// returned function takes it out.
func SetAfterStep(f func(Step) error) func() {
	afterStep.Store(&f)
	return func() { afterStep.Store(nil) }
}
