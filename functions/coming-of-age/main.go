// Command coming-of-age is a scheduled job.
package main

import (
	"github.com/kartamieszkanca/platform/shared/comingofage"
	"github.com/kartamieszkanca/platform/shared/entry"
)

func main() { entry.Scheduled("coming-of-age", comingofage.Job) }
