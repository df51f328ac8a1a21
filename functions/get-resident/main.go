// Command get-resident serves GET /operator/residents/{profileId}: a resident's record (the view is audited).
package main

import (
	"github.com/kartamieszkanca/platform/shared/entry"
	"github.com/kartamieszkanca/platform/shared/resident"
)

func main() { entry.HTTP("get-resident", resident.Get) }
