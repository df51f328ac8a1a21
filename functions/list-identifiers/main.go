// Command list-identifiers serves GET /profiles/{profileId}/identifiers: the profile's other identifiers.
package main

import (
	"github.com/kartamieszkanca/platform/shared/entry"
	"github.com/kartamieszkanca/platform/shared/identifier"
)

func main() { entry.HTTP("list-identifiers", identifier.List) }
