// Command update-application serves PUT /profiles/{profileId}/applications/{applicationId}: replace a draft's data.
package main

import (
	"github.com/kartamieszkanca/platform/shared/application"
	"github.com/kartamieszkanca/platform/shared/entry"
)

func main() { entry.HTTP("update-application", application.Update) }
