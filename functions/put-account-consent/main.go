// Command put-account-consent serves PUT /account/consents/{clauseId}: accept or withdraw a consent.
package main

import (
	"github.com/kartamieszkanca/platform/shared/consent"
	"github.com/kartamieszkanca/platform/shared/entry"
)

func main() { entry.HTTP("put-account-consent", consent.Put) }
