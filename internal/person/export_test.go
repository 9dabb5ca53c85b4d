package person

// SetNameWalkMin lowers the subtree size from which SQLite walks the name
// index, so small fixtures take that path too; the returned func restores it.
func SetNameWalkMin(n int64) func() {
	old := nameWalkMin
	nameWalkMin = n
	return func() { nameWalkMin = old }
}
