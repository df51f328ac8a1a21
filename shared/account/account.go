// Package account holds the account item: a Cognito identity's state in the
// platform, which every authenticated request is checked against (the gate),
// its e-mail claim and its sessions. It imports only the table's basics, so
// the request adapter and every feature may use it.
package account

import (
	"time"

	"github.com/kartamieszkanca/platform/shared/store"
)

// Account statuses.
const (
	Pending = "pending_activation"
	Active  = "active"
	Blocked = "blocked"
	Deleted = "deleted"
	// Disabled: a staff account an operator disabled; its tokens are refused
	// at once (the gate reads the account on every request).
	Disabled = "disabled"
	// Erasing: an erasure has begun (package erasure); nobody logs in again.
	Erasing = "erasing"
)

// Account is a Cognito identity's state in the platform: the gate every
// authenticated request passes (a JWT stays valid until it expires; this does not).
type Account struct {
	store.Key
	// Index1 lists staff accounts (GSI1 store.StaffPK, by e-mail).
	store.Index1
	AccountID string `dynamodbav:"accountId"`
	Email     string `dynamodbav:"email"`
	Phone     string `dynamodbav:"phone,omitempty"`
	// FirstName greets the owner in mail.
	FirstName string `dynamodbav:"firstName,omitempty"`
	Status    string `dynamodbav:"status"`
	// BlockReason says why a blocked account is blocked (ReasonConsentWithdrawn):
	// lifting a block lifts only its own reason.
	BlockReason string    `dynamodbav:"blockReason,omitempty"`
	CreatedAt   time.Time `dynamodbav:"createdAt"`
	ProfileID   string    `dynamodbav:"profileId,omitempty"`
	HouseholdID string    `dynamodbav:"householdId,omitempty"`
	// Head: the household head (a registered resident), not a family member.
	Head bool `dynamodbav:"head"`
	// Staff accounts belong to a Cognito group and own no profile.
	Staff bool `dynamodbav:"staff,omitempty"`
	// OrganizationID and OrganizationName: the partner or inspection body a
	// partner's or inspector's account belongs to (checks and benefits name it,
	// never the person).
	OrganizationID   string `dynamodbav:"organizationId,omitempty"`
	OrganizationName string `dynamodbav:"organizationName,omitempty"`
	// Group is a staff account's Cognito group.
	Group string `dynamodbav:"staffGroup,omitempty"`
	// SessionsValidAfter: tokens authenticated before this second are refused
	// (password reset and change end other sessions).
	SessionsValidAfter int64 `dynamodbav:"sessionsValidAfter"`
	// EndedTokens are the token ids (TokenID) of sessions logged out, with
	// the instant (unix seconds) until which their access and ID tokens could
	// still be presented: the gate refuses them on the read it makes anyway.
	EndedTokens map[string]int64 `dynamodbav:"endedTokens,omitempty"`
	// Only the newest link of each purpose is valid: its hash is kept here and
	// the change it makes is conditioned on it.
	ActivationHash string `dynamodbav:"activationHash,omitempty"`
	ResetHash      string `dynamodbav:"resetHash,omitempty"`
	// ActivationMailedAt and ResetMailedAt rate-limit the link mails.
	ActivationMailedAt int64 `dynamodbav:"activationMailedAt,omitempty"`
	ResetMailedAt      int64 `dynamodbav:"resetMailedAt,omitempty"`
	// PasswordLeaseBy holds the account's password for one change (a reset or
	// a change) until PasswordLeaseUntil: the table decides the change, then
	// Cognito sets the password, then the change is finished under the lease.
	PasswordLeaseBy    string `dynamodbav:"passwordLeaseBy,omitempty"`
	PasswordLeaseUntil int64  `dynamodbav:"passwordLeaseUntil,omitempty"`
	Version            int    `dynamodbav:"version"`
}

// ReasonConsentWithdrawn blocks a household whose head withdrew a mandatory
// clause (R7.3); its accounts still log in and reach the routes the route
// table marks WhileBlocked.
const ReasonConsentWithdrawn = "consent_withdrawn"

// E-mail claim states. A claim without a state names an account (claims
// written before registrations claimed first).
const (
	ClaimRegistering = "registering"
	ClaimAccount     = "account"
)

// EmailClaim makes e-mail addresses unique. It is written before anything
// else of an account, Cognito's identity included: while State is registering
// the attempt AttemptID holds it; the identity it creates carries
// RegistrationID, so a later attempt can tell that identity from any other.
type EmailClaim struct {
	store.Key
	AccountID      string `dynamodbav:"accountId,omitempty"`
	State          string `dynamodbav:"state,omitempty"`
	RegistrationID string `dynamodbav:"registrationId,omitempty"`
	AttemptID      string `dynamodbav:"attemptId,omitempty"`
	// ClaimedAt is when the attempt took the claim (unix seconds).
	ClaimedAt int64 `dynamodbav:"claimedAt,omitempty"`
}

// Registering reports whether a registration still holds the claim.
func (c *EmailClaim) Registering() bool { return c.State == ClaimRegistering }

// Session is a login's refresh token, by hash: refresh and logout go through it,
// so signing out works the same with or without Cognito's global sign-out.
type Session struct {
	store.Key
	// Index2 lists the session under its account (erasure, export).
	store.Index2
	AccountID string `dynamodbav:"accountId"`
	CreatedAt int64  `dynamodbav:"createdAt"`
	TTL       int64  `dynamodbav:"ttl"`
	// TokenIDs name the access and ID tokens issued under the session
	// (TokenID): one in Cognito, whose refreshed tokens keep the login's
	// origin_jti; one per refresh where tokens carry only auth_time.
	TokenIDs []string `dynamodbav:"tokenIds,omitempty"`
}
