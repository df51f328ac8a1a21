package application

import (
	"time"

	"github.com/kartamieszkanca/platform/shared/history"
	"github.com/kartamieszkanca/platform/shared/store"
)

// Application statuses.
const (
	Draft     = "draft"
	Submitted = "submitted"
	InReview  = "in_review"
	Accepted  = "accepted"
	Rejected  = "rejected"
	Completed = "completed"
	Cancelled = "cancelled"
	// Returned: an operator returned it for correction (R15.7); the resident
	// edits it and submits it again. It stays open (its type's claim held).
	Returned = "returned"
)

// Application is a resident's application of any type; Data is the type's form
// as JSON (each type decodes it strictly).
type Application struct {
	store.Key
	store.Index1
	ApplicationID string     `dynamodbav:"applicationId"`
	ProfileID     string     `dynamodbav:"profileId"`
	HouseholdID   string     `dynamodbav:"householdId"`
	Type          string     `dynamodbav:"type"`
	Status        string     `dynamodbav:"status"`
	Data          string     `dynamodbav:"data"`
	CreatedAt     time.Time  `dynamodbav:"createdAt"`
	SubmittedAt   *time.Time `dynamodbav:"submittedAt,omitempty"`
	DecidedAt     *time.Time `dynamodbav:"decidedAt,omitempty"`
	NotifyEmail   string     `dynamodbav:"notifyEmail,omitempty"`
	// ExpectedDecisionBy is the city day by which a submitted application is
	// to be decided: its submission plus the service level (R15.8), fixed at
	// each submission.
	ExpectedDecisionBy string `dynamodbav:"expectedDecisionBy,omitempty"`
	// Correction is what the last return asked for, while returned.
	Correction *Correction     `dynamodbav:"correction,omitempty"`
	History    []history.Event `dynamodbav:"history"`
	Version    int             `dynamodbav:"version"`
}

// OpenApplication is the claim of a profile's open application of a type
// (OpenApplicationKey).
type OpenApplication struct {
	store.Key
	ApplicationID string    `dynamodbav:"applicationId"`
	Type          string    `dynamodbav:"type"`
	CreatedAt     time.Time `dynamodbav:"createdAt"`
}

// Correction is an operator's request to fix an application (R15.7).
type Correction struct {
	Comment string   `dynamodbav:"comment" json:"comment"`
	Fields  []string `dynamodbav:"fields" json:"fields"`
}
