package profile

import (
	"time"

	"github.com/kartamieszkanca/platform/shared/store"
)

// Profile is a person in a household: the head or a family member.
type Profile struct {
	store.Key
	// Index2 is the coming-of-age index entry of a child without an e-mail
	// (BirthdayIndex), until the head is told the child turns 18.
	store.Index2
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
	// Email is where a member without a login yet is invited (R10.2); the
	// account holds it once the invitation is accepted.
	Email string `dynamodbav:"email,omitempty"`
	// InvitationHash is the hash of the member's newest invitation link: the
	// acceptance is conditioned on it, so a resent link ends the older one.
	InvitationHash     string `dynamodbav:"invitationHash,omitempty"`
	InvitationMailedAt int64  `dynamodbav:"invitationMailedAt,omitempty"`
	// Members counts a head's family members; its limit is the condition of
	// adding one, so a household's cascades fit one transaction.
	Members int `dynamodbav:"members,omitempty"`
}

// BirthdayIndex is the coming-of-age index entry of a profile born on
// birthDate ("YYYY-MM-DD"): the daily job reads the partition of a day's
// month-day from the birth date of those who turn 18 that day (R15.6). A
// profile carries it while it is a minor without an e-mail of its own.
func BirthdayIndex(birthDate, profileID string) store.Index2 {
	if len(birthDate) != len("2006-01-02") {
		return store.Index2{}
	}
	return store.Index2{GSI2PK: store.BirthdayPK(birthDate[5:]), GSI2SK: birthDate + "#" + profileID}
}
