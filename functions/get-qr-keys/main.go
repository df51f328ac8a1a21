// Command get-qr-keys serves GET /cards/qr-keys: the public keys of QR tokens (JWKS).
package main

import (
	"github.com/kartamieszkanca/platform/shared/cardqr"
	"github.com/kartamieszkanca/platform/shared/entry"
)

func main() { entry.HTTP("get-qr-keys", cardqr.Keys) }
