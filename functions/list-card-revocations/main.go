// Command list-card-revocations serves GET /cards/revocations: cards blocked, cancelled or unblocked since an instant (offline verifiers).
package main

import (
	"github.com/kartamieszkanca/platform/shared/card"
	"github.com/kartamieszkanca/platform/shared/entry"
)

func main() { entry.HTTP("list-card-revocations", card.Revocations) }
