// Command list-cases serves GET /profiles/{profileId}/cases: the profile's cases and the city's broadcasts.
package main

import (
	"github.com/kartamieszkanca/platform/shared/cases"
	"github.com/kartamieszkanca/platform/shared/entry"
)

func main() { entry.HTTP("list-cases", cases.List) }
