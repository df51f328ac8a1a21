// Command list-review-queue serves GET /operator/applications: the review queue, oldest first.
package main

import (
	"github.com/kartamieszkanca/platform/shared/application"
	"github.com/kartamieszkanca/platform/shared/entry"
)

func main() { entry.HTTP("list-review-queue", application.Queue) }
