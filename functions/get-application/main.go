// Command get-application serves GET /profiles/{profileId}/applications/{applicationId}: one application with its history.
package main

import (
	"github.com/kartamieszkanca/platform/shared/application"
	"github.com/kartamieszkanca/platform/shared/entry"
)

func main() { entry.HTTP("get-application", application.Get) }
