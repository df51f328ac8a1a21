// Command list-available-applications serves GET /profiles/{profileId}/applications/available: which application types the profile may file.
package main

import (
	"github.com/kartamieszkanca/platform/shared/application"
	"github.com/kartamieszkanca/platform/shared/entry"
)

func main() { entry.HTTP("list-available-applications", application.Available) }
