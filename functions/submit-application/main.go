// Command submit-application serves POST /profiles/{profileId}/applications/{applicationId}/submit: submit a draft for review.
package main

import (
	"github.com/kartamieszkanca/platform/shared/application"
	"github.com/kartamieszkanca/platform/shared/entry"
)

func main() { entry.HTTP("submit-application", application.Submit) }
