// Command set-card-status serves POST /operator/cards/{cardId}/status: move a physical card to ready for pickup or active.
package main

import (
	"github.com/kartamieszkanca/platform/shared/card"
	"github.com/kartamieszkanca/platform/shared/entry"
)

func main() { entry.HTTP("set-card-status", card.SetStatus) }
