// Command unblock-card serves POST /operator/cards/{cardId}/unblock: unblock a card.
package main

import (
	"github.com/kartamieszkanca/platform/shared/card"
	"github.com/kartamieszkanca/platform/shared/entry"
)

func main() { entry.HTTP("unblock-card", card.Unblock) }
