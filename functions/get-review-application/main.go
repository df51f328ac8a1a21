// Command get-review-application serves GET /operator/applications/{applicationId}: an application with the resident's data and files.
package main

import (
	"github.com/kartamieszkanca/platform/shared/application"
	"github.com/kartamieszkanca/platform/shared/entry"
)

func main() { entry.HTTP("get-review-application", application.ReviewGet) }
