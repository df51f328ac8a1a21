// Command list-benefits serves GET /profiles/{profileId}/benefits: the benefits the profile used.
package main

import (
	"github.com/kartamieszkanca/platform/shared/benefit"
	"github.com/kartamieszkanca/platform/shared/entry"
)

func main() { entry.HTTP("list-benefits", benefit.History) }
