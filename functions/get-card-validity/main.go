// Command get-card-validity serves GET /profiles/{profileId}/cards/{cardId}/validity: a signed statement of the card's validity at a past instant.
package main

import (
	"github.com/kartamieszkanca/platform/shared/cardqr"
	"github.com/kartamieszkanca/platform/shared/entry"
)

func main() { entry.HTTP("get-card-validity", cardqr.Validity) }
