// Command task-runner consumes the table's stream.
package main

import (
	"github.com/kartamieszkanca/platform/shared/entry"
	"github.com/kartamieszkanca/platform/shared/taskrunner"
)

func main() { entry.Stream("task-runner", taskrunner.StreamHandler) }
