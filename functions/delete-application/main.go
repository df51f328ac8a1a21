// Command delete-application serves DELETE /profiles/{profileId}/applications/{applicationId}: delete a draft or cancel a submitted application.
package main

import (
	"github.com/kartamieszkanca/platform/shared/application"
	"github.com/kartamieszkanca/platform/shared/entry"
)

func main() { entry.HTTP("delete-application", application.Delete) }
