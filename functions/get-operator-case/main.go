// Command get-operator-case serves GET /operator/cases/{caseId}: a case with its newest messages and attachment links.
package main

import (
	"github.com/kartamieszkanca/platform/shared/cases"
	"github.com/kartamieszkanca/platform/shared/entry"
)

func main() { entry.HTTP("get-operator-case", cases.OperatorGet) }
