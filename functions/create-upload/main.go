// Command create-upload serves POST /profiles/{profileId}/uploads: start a file upload (presigned POST).
package main

import (
	"github.com/kartamieszkanca/platform/shared/entry"
	"github.com/kartamieszkanca/platform/shared/upload"
)

func main() { entry.HTTP("create-upload", upload.Create) }
