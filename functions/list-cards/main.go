// Command list-cards serves GET /profiles/{profileId}/cards: the profile's cards.
package main

import (
	"github.com/kartamieszkanca/platform/shared/card"
	"github.com/kartamieszkanca/platform/shared/entry"
)

func main() { entry.HTTP("list-cards", card.List) }
