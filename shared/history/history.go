// Package history is the shape of an item's history: the status changes of
// applications and cards, each with when, by whom and why.
package history

import (
	"time"
)

// Event is one entry of an item's history.
type Event struct {
	Status  string    `dynamodbav:"status" json:"status"`
	At      time.Time `dynamodbav:"at" json:"at"`
	Actor   string    `dynamodbav:"actor" json:"actor"`
	Comment string    `dynamodbav:"comment,omitempty" json:"comment,omitempty"`
	// Fields are what a return for correction asks the resident to fix.
	Fields []string `dynamodbav:"fields,omitempty" json:"fields,omitempty"`
}
