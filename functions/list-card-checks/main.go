// Command list-card-checks serves GET /profiles/{profileId}/cards/{cardId}/checks: who checked the card, when, and the result.
package main

import (
	"github.com/kartamieszkanca/platform/shared/entry"
	"github.com/kartamieszkanca/platform/shared/verification"
)

func main() { entry.HTTP("list-card-checks", verification.Checks) }
