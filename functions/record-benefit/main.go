// Command record-benefit serves POST /partner/benefits: record the use of a benefit.
package main

import (
	"github.com/kartamieszkanca/platform/shared/benefit"
	"github.com/kartamieszkanca/platform/shared/entry"
)

func main() { entry.HTTP("record-benefit", benefit.Record) }
