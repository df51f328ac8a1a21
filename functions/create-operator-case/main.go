// Command create-operator-case serves POST /operator/cases: write to one resident or to every resident.
package main

import (
	"github.com/kartamieszkanca/platform/shared/cases"
	"github.com/kartamieszkanca/platform/shared/entry"
)

func main() { entry.HTTP("create-operator-case", cases.OperatorCreate) }
