// Command start-review serves POST /operator/applications/{applicationId}/review: take an application into review.
package main

import (
	"github.com/kartamieszkanca/platform/shared/application"
	"github.com/kartamieszkanca/platform/shared/entry"
)

func main() { entry.HTTP("start-review", application.StartReview) }
