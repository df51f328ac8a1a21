package card

import (
	"time"

	"github.com/kartamieszkanca/platform/shared/history"
	"github.com/kartamieszkanca/platform/shared/store"
)

// NumberClaim makes card numbers unique (the table, not chance) and points
// from a number to its card and owner.
type NumberClaim struct {
	store.Key
	ProfileID   string `dynamodbav:"profileId"`
	HouseholdID string `dynamodbav:"householdId"`
	// ItemID is the card's id.
	ItemID string `dynamodbav:"itemId,omitempty"`
}

// Card statuses and kinds.
const (
	Ordered        = "ordered"
	ReadyForPickup = "ready_for_pickup"
	Active         = "active"
	Blocked        = "blocked"
	Cancelled      = "cancelled"

	Virtual  = "virtual"
	Physical = "physical"
)

// Card is a resident card, virtual or physical.
type Card struct {
	store.Key
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
	PhotoKey      string          `dynamodbav:"photoKey,omitempty"`
	PhotoType     string          `dynamodbav:"photoType,omitempty"`
	PickupPointID string          `dynamodbav:"pickupPointId,omitempty"`
	NotifyEmail   string          `dynamodbav:"notifyEmail,omitempty"`
	ApplicationID string          `dynamodbav:"applicationId,omitempty"`
	CreatedAt     time.Time       `dynamodbav:"createdAt"`
	History       []history.Event `dynamodbav:"history"`
	Version       int             `dynamodbav:"version"`
	// HolderFirstName and HolderLastName are the holder's names as a verifier
	// is shown them, kept with the card (and changed with the profile's) so a
	// check reads the card's partition only.
	HolderFirstName string `dynamodbav:"holderFirstName,omitempty"`
	HolderLastName  string `dynamodbav:"holderLastName,omitempty"`
}
