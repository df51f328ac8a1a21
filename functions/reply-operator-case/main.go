// Command reply-operator-case serves POST /operator/cases/{caseId}/messages: answer a resident's case.
package main

import (
	"github.com/kartamieszkanca/platform/shared/cases"
	"github.com/kartamieszkanca/platform/shared/entry"
)

func main() { entry.HTTP("reply-operator-case", cases.OperatorReply) }
