// Package application holds the application lifecycle shared by every type
// (R4.1, R4.2, R4.5–R4.7, R5, R11.1): draft → submitted → in_review →
// accepted | rejected → completed, cancelled by the resident while undecided.
// Every change appends a history entry and is conditioned on the status and
// version it was decided on.
package application

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/kartamieszkanca/platform/shared/apierr"
	"github.com/kartamieszkanca/platform/shared/history"
)

// Codes.
var (
	NotAvailable = apierr.Register("application_not_available", http.StatusConflict)
	StateChanged = apierr.Register("application_state_conflict", http.StatusConflict)
)

var errNotFound = apierr.New(apierr.NotFound, "No such application.")

// View is an application as the API shows it; lists omit data and history.
type View struct {
	ApplicationID string     `json:"applicationId"`
	ProfileID     string     `json:"profileId"`
	Type          string     `json:"type"`
	Status        string     `json:"status"`
	CreatedAt     time.Time  `json:"createdAt"`
	SubmittedAt   *time.Time `json:"submittedAt,omitempty"`
	DecidedAt     *time.Time `json:"decidedAt,omitempty"`
	// ExpectedDecisionBy: the city day a submitted or reviewed application is
	// to be decided by (R15.8); null otherwise.
	ExpectedDecisionBy *string `json:"expectedDecisionBy"`
	// Correction: what to fix, while returned (R15.7).
	Correction *Correction     `json:"correction,omitempty"`
	Data       json.RawMessage `json:"data,omitempty"`
	History    []history.Event `json:"history,omitempty"`
}

// ToView is the API's view; full adds data and history.
func ToView(a *Application, full bool) View {
	v := View{ApplicationID: a.ApplicationID, ProfileID: a.ProfileID, Type: a.Type, Status: a.Status,
		CreatedAt: a.CreatedAt, SubmittedAt: a.SubmittedAt, DecidedAt: a.DecidedAt}
	if (a.Status == Submitted || a.Status == InReview) && a.ExpectedDecisionBy != "" {
		by := a.ExpectedDecisionBy
		v.ExpectedDecisionBy = &by
	}
	if a.Status == Returned {
		v.Correction = a.Correction
	}
	if full {
		v.Data = json.RawMessage(a.Data)
		v.History = a.History
		if v.History == nil {
			v.History = []history.Event{}
		}
	}
	return v
}
