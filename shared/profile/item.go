package profile

import (
	"time"

	"github.com/kartamieszkanca/platform/shared/store"
)

// Profile is a person in a household: the head or a family member.
type Profile struct {
	store.Key
	ProfileID    string    `dynamodbav:"profileId"`
	HouseholdID  string    `dynamodbav:"householdId"`
	AccountID    string    `dynamodbav:"accountId,omitempty"`
	FirstName    string    `dynamodbav:"firstName"`
	LastName     string    `dynamodbav:"lastName"`
	BirthDate    string    `dynamodbav:"birthDate"`
	Relationship string    `dynamodbav:"relationship,omitempty"`
	Status       string    `dynamodbav:"status"`
	Head         bool      `dynamodbav:"head"`
	CreatedAt    time.Time `dynamodbav:"createdAt"`
	Version      int       `dynamodbav:"version"`
}
