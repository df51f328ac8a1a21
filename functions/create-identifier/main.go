// Command create-identifier serves POST /profiles/{profileId}/identifiers: add an identifier.
package main

import (
	"github.com/kartamieszkanca/platform/shared/entry"
	"github.com/kartamieszkanca/platform/shared/identifier"
)

func main() { entry.HTTP("create-identifier", identifier.Create) }
