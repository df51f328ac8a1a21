// Command list-case-messages serves GET /profiles/{profileId}/cases/{caseId}/messages: older messages of a case.
package main

import (
	"github.com/kartamieszkanca/platform/shared/cases"
	"github.com/kartamieszkanca/platform/shared/entry"
)

func main() { entry.HTTP("list-case-messages", cases.Messages) }
