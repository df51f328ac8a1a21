// Command verify-card serves POST /verify: check a card by number or QR token.
package main

import (
	"github.com/kartamieszkanca/platform/shared/entry"
	"github.com/kartamieszkanca/platform/shared/verification"
)

func main() { entry.HTTP("verify-card", verification.Verify) }
