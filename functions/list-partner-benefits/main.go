// Command list-partner-benefits serves GET /partner/benefits: the benefits the partner's organization recorded.
package main

import (
	"github.com/kartamieszkanca/platform/shared/benefit"
	"github.com/kartamieszkanca/platform/shared/entry"
)

func main() { entry.HTTP("list-partner-benefits", benefit.PartnerList) }
