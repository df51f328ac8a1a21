// Command close-case serves POST /operator/cases/{caseId}/close: close a case.
package main

import (
	"github.com/kartamieszkanca/platform/shared/cases"
	"github.com/kartamieszkanca/platform/shared/entry"
)

func main() { entry.HTTP("close-case", cases.Close) }
