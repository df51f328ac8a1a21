// Command decide-application serves POST /operator/applications/{applicationId}/decision: accept or reject an application.
package main

import (
	"github.com/kartamieszkanca/platform/shared/application"
	"github.com/kartamieszkanca/platform/shared/entry"
)

func main() { entry.HTTP("decide-application", application.Decide) }
