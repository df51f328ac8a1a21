// Command block-card serves POST /profiles/{profileId}/cards/{cardId}/block: block a lost or stolen card.
package main

import (
	"github.com/kartamieszkanca/platform/shared/card"
	"github.com/kartamieszkanca/platform/shared/entry"
)

func main() { entry.HTTP("block-card", card.Block) }
