// Command list-operator-cases serves GET /operator/cases: the city's inbox of cases.
package main

import (
	"github.com/kartamieszkanca/platform/shared/cases"
	"github.com/kartamieszkanca/platform/shared/entry"
)

func main() { entry.HTTP("list-operator-cases", cases.Inbox) }
