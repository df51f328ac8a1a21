// Command documents-retention is a scheduled job.
package main

import (
	"github.com/kartamieszkanca/platform/shared/entry"
	"github.com/kartamieszkanca/platform/shared/retention"
)

func main() { entry.Scheduled("documents-retention", retention.Job) }
