// Command get-profile serves GET /profiles/{profileId}: one profile.
package main

import (
	"github.com/kartamieszkanca/platform/shared/entry"
	"github.com/kartamieszkanca/platform/shared/profile"
)

func main() { entry.HTTP("get-profile", profile.Get) }
