package benefit

import "github.com/kartamieszkanca/platform/shared/store"

// Put records a benefit as of its UsedAt (tests set times a request cannot).
func Put(tx *store.Tx, b *Benefit) { record(tx, b) }
