// Command list-operator-case-messages serves GET /operator/cases/{caseId}/messages: older messages of a case, for operators.
package main

import (
	"github.com/kartamieszkanca/platform/shared/cases"
	"github.com/kartamieszkanca/platform/shared/entry"
)

func main() { entry.HTTP("list-operator-case-messages", cases.OperatorMessages) }
