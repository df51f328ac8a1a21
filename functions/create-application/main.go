// Command create-application serves POST /profiles/{profileId}/applications: create a draft application.
package main

import (
	"github.com/kartamieszkanca/platform/shared/application"
	"github.com/kartamieszkanca/platform/shared/entry"
)

func main() { entry.HTTP("create-application", application.Create) }
