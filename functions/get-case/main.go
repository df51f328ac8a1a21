// Command get-case serves GET /profiles/{profileId}/cases/{caseId}: a case with its newest messages; marks it read.
package main

import (
	"github.com/kartamieszkanca/platform/shared/cases"
	"github.com/kartamieszkanca/platform/shared/entry"
)

func main() { entry.HTTP("get-case", cases.Get) }
