// Command list-account-consents serves GET /account/consents: the household head's consents, clause by clause.
package main

import (
	"github.com/kartamieszkanca/platform/shared/consent"
	"github.com/kartamieszkanca/platform/shared/entry"
)

func main() { entry.HTTP("list-account-consents", consent.List) }
