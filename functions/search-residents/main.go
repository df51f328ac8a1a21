// Command search-residents serves GET /operator/residents: find residents by e-mail, card number or name.
package main

import (
	"github.com/kartamieszkanca/platform/shared/entry"
	"github.com/kartamieszkanca/platform/shared/resident"
)

func main() { entry.HTTP("search-residents", resident.Search) }
