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
)

// Application is a resident's application of any type; Data is the type's form
// as JSON (each type decodes it strictly).
type Application struct {
	store.Key
	store.Index1
	ApplicationID string          `dynamodbav:"applicationId"`
	ProfileID     string          `dynamodbav:"profileId"`
	HouseholdID   string          `dynamodbav:"householdId"`
	Type          string          `dynamodbav:"type"`
	Status        string          `dynamodbav:"status"`
	Data          string          `dynamodbav:"data"`
	CreatedAt     time.Time       `dynamodbav:"createdAt"`
	SubmittedAt   *time.Time      `dynamodbav:"submittedAt,omitempty"`
	DecidedAt     *time.Time      `dynamodbav:"decidedAt,omitempty"`
	NotifyEmail   string          `dynamodbav:"notifyEmail,omitempty"`
	History       []history.Event `dynamodbav:"history"`
	Version       int             `dynamodbav:"version"`
}

// OpenApplication is the claim of a profile's open application of a type
// (OpenApplicationKey).
type OpenApplication struct {
	store.Key
	ApplicationID string    `dynamodbav:"applicationId"`
	Type          string    `dynamodbav:"type"`
	CreatedAt     time.Time `dynamodbav:"createdAt"`
}
