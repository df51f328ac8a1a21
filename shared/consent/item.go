// Package consent holds a person's answers to the consent clauses (R1.2,
// R7): one item per account and clause, with the version accepted.
package consent

import (
	"time"

	"github.com/kartamieszkanca/platform/shared/store"
)

// Consent is one clause's state for an account.
type Consent struct {
	store.Key
	ClauseID    string     `dynamodbav:"clauseId"`
	Version     int        `dynamodbav:"version"`
	Accepted    bool       `dynamodbav:"accepted"`
	AcceptedAt  *time.Time `dynamodbav:"acceptedAt,omitempty"`
	WithdrawnAt *time.Time `dynamodbav:"withdrawnAt,omitempty"`
}

// Stands reports whether the consent is an acceptance of the clause's current
// version: a clause whose text changed since (a new version) is not accepted
// until it is accepted again (R7, R11.3). Nothing is blocked by that alone.
func (c *Consent) Stands(currentVersion int) bool {
	return c != nil && c.Accepted && c.Version >= currentVersion
}
