package store

import "time"

// Account statuses.
const (
	AccountPending = "pending_activation"
	AccountActive  = "active"
	AccountBlocked = "blocked"
	AccountDeleted = "deleted"
)

// Account is a Cognito identity's state in the platform: the gate every
// authenticated request passes (a JWT stays valid until it expires; this does not).
type Account struct {
	Key
	AccountID string `dynamodbav:"accountId"`
	Email     string `dynamodbav:"email"`
	Phone     string `dynamodbav:"phone,omitempty"`
	// FirstName greets the owner in mail.
	FirstName   string    `dynamodbav:"firstName,omitempty"`
	Status      string    `dynamodbav:"status"`
	CreatedAt   time.Time `dynamodbav:"createdAt"`
	ProfileID   string    `dynamodbav:"profileId,omitempty"`
	HouseholdID string    `dynamodbav:"householdId,omitempty"`
	// Head: the household head (a registered resident), not a family member.
	Head bool `dynamodbav:"head"`
	// Staff accounts belong to a Cognito group and own no profile.
	Staff bool `dynamodbav:"staff,omitempty"`
	// SessionsValidAfter: tokens authenticated before this second are refused
	// (password reset and change end other sessions).
	SessionsValidAfter int64 `dynamodbav:"sessionsValidAfter"`
	// Only the newest link of each purpose is valid: its hash is kept here and
	// the change it makes is conditioned on it.
	ActivationHash string `dynamodbav:"activationHash,omitempty"`
	ResetHash      string `dynamodbav:"resetHash,omitempty"`
	// ActivationMailedAt and ResetMailedAt rate-limit the link mails.
	ActivationMailedAt int64 `dynamodbav:"activationMailedAt,omitempty"`
	ResetMailedAt      int64 `dynamodbav:"resetMailedAt,omitempty"`
	Version            int   `dynamodbav:"version"`
}

// EmailClaim makes e-mail addresses unique; written with the account.
type EmailClaim struct {
	Key
	AccountID string `dynamodbav:"accountId"`
}

// Profile is a person in a household: the head or a family member.
type Profile struct {
	Key
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

// Consent is one clause's state for an account.
type Consent struct {
	Key
	ClauseID    string     `dynamodbav:"clauseId"`
	Version     int        `dynamodbav:"version"`
	Accepted    bool       `dynamodbav:"accepted"`
	AcceptedAt  *time.Time `dynamodbav:"acceptedAt,omitempty"`
	WithdrawnAt *time.Time `dynamodbav:"withdrawnAt,omitempty"`
}

// Token purposes.
const (
	PurposeActivation = "activation"
	PurposeReset      = "reset"
	PurposeInvitation = "invitation"
)

// Token is a single-use link token; only its hash is stored.
type Token struct {
	Key
	Purpose   string `dynamodbav:"purpose"`
	AccountID string `dynamodbav:"accountId"`
	// Email, HouseholdID and ProfileID spare the link's handler a read.
	Email       string `dynamodbav:"email"`
	HouseholdID string `dynamodbav:"householdId,omitempty"`
	ProfileID   string `dynamodbav:"profileId,omitempty"`
	ExpiresAt   int64  `dynamodbav:"expiresAt"`
	// TTL lets DynamoDB remove expired tokens; expiry itself is checked by the
	// API (TTL deletion is late and never happens locally).
	TTL int64 `dynamodbav:"ttl"`
}

// Session is a login's refresh token, by hash: refresh and logout go through it,
// so signing out works the same with or without Cognito's global sign-out.
type Session struct {
	Key
	AccountID string `dynamodbav:"accountId"`
	CreatedAt int64  `dynamodbav:"createdAt"`
	TTL       int64  `dynamodbav:"ttl"`
}

// Outbox is a mail to send, written in the same transaction as its cause.
type Outbox struct {
	Key
	ID        string            `dynamodbav:"id"`
	Template  string            `dynamodbav:"template"`
	To        string            `dynamodbav:"to"`
	Lang      string            `dynamodbav:"lang"`
	Data      map[string]string `dynamodbav:"data"`
	CreatedAt time.Time         `dynamodbav:"createdAt"`
	// LeaseUntil: a sender has claimed the mail until then (unix seconds).
	LeaseUntil int64  `dynamodbav:"leaseUntil,omitempty"`
	SentAt     int64  `dynamodbav:"sentAt,omitempty"`
	MessageID  string `dynamodbav:"messageId,omitempty"`
	Attempts   int    `dynamodbav:"attempts"`
	TTL        int64  `dynamodbav:"ttl"`
	// ToAccount, when To is empty: the mail goes to the account's address as
	// it is when the mail is sent (a change that knows the account, not its
	// address, need not read it; an erased account is mailed nothing).
	ToAccount string `dynamodbav:"toAccount,omitempty"`
}

// Idempotency is the stored first answer to a request with an Idempotency-Key.
type Idempotency struct {
	Key
	BodyHash string `dynamodbav:"bodyHash"`
	Status   int    `dynamodbav:"status"`
	Response []byte `dynamodbav:"response,omitempty"`
	TTL      int64  `dynamodbav:"ttl"`
}

// Upload statuses.
const (
	UploadPending  = "pending"
	UploadVerified = "verified"
)

// Upload is a file a profile sent to S3 through a presigned POST.
type Upload struct {
	Key
	UploadID    string    `dynamodbav:"uploadId"`
	ProfileID   string    `dynamodbav:"profileId"`
	Purpose     string    `dynamodbav:"purpose"`
	ContentType string    `dynamodbav:"contentType"`
	Size        int64     `dynamodbav:"size"`
	ObjectKey   string    `dynamodbav:"objectKey"`
	Status      string    `dynamodbav:"status"`
	CreatedAt   time.Time `dynamodbav:"createdAt"`
	// TTL removes a pending upload's record with its expired object; a
	// verified upload has none.
	TTL int64 `dynamodbav:"ttl,omitempty"`
}

// Ref points from an id to the profile that owns the item.
type Ref struct {
	Key
	ProfileID   string `dynamodbav:"profileId"`
	HouseholdID string `dynamodbav:"householdId"`
	// ItemID is the card's or application's id (the card number claim holds
	// the card id).
	ItemID string `dynamodbav:"itemId,omitempty"`
}

// Card statuses and kinds.
const (
	CardOrdered        = "ordered"
	CardReadyForPickup = "ready_for_pickup"
	CardActive         = "active"
	CardBlocked        = "blocked"
	CardCancelled      = "cancelled"

	CardVirtual  = "virtual"
	CardPhysical = "physical"
)

// Event is one entry of an item's history.
type Event struct {
	Status  string    `dynamodbav:"status" json:"status"`
	At      time.Time `dynamodbav:"at" json:"at"`
	Actor   string    `dynamodbav:"actor" json:"actor"`
	Comment string    `dynamodbav:"comment,omitempty" json:"comment,omitempty"`
}

// Card is a resident card, virtual or physical.
type Card struct {
	Key
	CardID      string `dynamodbav:"cardId"`
	ProfileID   string `dynamodbav:"profileId"`
	HouseholdID string `dynamodbav:"householdId"`
	Number      string `dynamodbav:"number"`
	Kind        string `dynamodbav:"kind"`
	Status      string `dynamodbav:"status"`
	BlockReason string `dynamodbav:"blockReason,omitempty"`
	// StatusBeforeBlock is where an unblock returns the card.
	StatusBeforeBlock string `dynamodbav:"statusBeforeBlock,omitempty"`
	ValidFrom         string `dynamodbav:"validFrom"`
	ValidTo           string `dynamodbav:"validTo"`
	PhotoUploadID     string `dynamodbav:"photoUploadId,omitempty"`
	// PhotoKey is the photo's object and PhotoType its verified content type,
	// so a list presigns (pinning the type) without reading uploads.
	PhotoKey      string    `dynamodbav:"photoKey,omitempty"`
	PhotoType     string    `dynamodbav:"photoType,omitempty"`
	PickupPointID string    `dynamodbav:"pickupPointId,omitempty"`
	NotifyEmail   string    `dynamodbav:"notifyEmail,omitempty"`
	ApplicationID string    `dynamodbav:"applicationId,omitempty"`
	CreatedAt     time.Time `dynamodbav:"createdAt"`
	History       []Event   `dynamodbav:"history"`
	Version       int       `dynamodbav:"version"`
}

// Application statuses.
const (
	AppDraft     = "draft"
	AppSubmitted = "submitted"
	AppInReview  = "in_review"
	AppAccepted  = "accepted"
	AppRejected  = "rejected"
	AppCompleted = "completed"
	AppCancelled = "cancelled"
)

// Application is a resident's application of any type; Data is the type's form
// as JSON (each type decodes it strictly).
type Application struct {
	Key
	Index1
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
	History       []Event    `dynamodbav:"history"`
	Version       int        `dynamodbav:"version"`
}

// OpenApplication is the claim of a profile's open application of a type
// (OpenApplicationKey).
type OpenApplication struct {
	Key
	ApplicationID string    `dynamodbav:"applicationId"`
	Type          string    `dynamodbav:"type"`
	CreatedAt     time.Time `dynamodbav:"createdAt"`
}
