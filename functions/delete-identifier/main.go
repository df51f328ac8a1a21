// Command delete-identifier serves DELETE /profiles/{profileId}/identifiers/{identifierId}: remove an identifier.
package main

import (
	"github.com/kartamieszkanca/platform/shared/entry"
	"github.com/kartamieszkanca/platform/shared/identifier"
)

func main() { entry.HTTP("delete-identifier", identifier.Delete) }
