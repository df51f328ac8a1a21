// Command get-card-qr serves GET /profiles/{profileId}/cards/{cardId}/qr: a short-lived signed token for the virtual card's QR code.
package main

import (
	"github.com/kartamieszkanca/platform/shared/cardqr"
	"github.com/kartamieszkanca/platform/shared/entry"
)

func main() { entry.HTTP("get-card-qr", cardqr.QR) }
