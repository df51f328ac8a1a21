// Command list-packages serves GET /profiles/{profileId}/packages: the profile's packages (entitlements).
package main

import (
	"github.com/kartamieszkanca/platform/shared/entitlement"
	"github.com/kartamieszkanca/platform/shared/entry"
)

func main() { entry.HTTP("list-packages", entitlement.List) }
