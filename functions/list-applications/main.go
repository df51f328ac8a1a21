// Command list-applications serves GET /profiles/{profileId}/applications: the profile's applications and drafts.
package main

import (
	"github.com/kartamieszkanca/platform/shared/application"
	"github.com/kartamieszkanca/platform/shared/entry"
)

func main() { entry.HTTP("list-applications", application.List) }
