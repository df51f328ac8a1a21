// Package benefit holds the benefits partners record against valid cards
// (R12.2) and the holder's history of them (R8.1): a record is made once per
// Idempotency-Key, names the partner's organization, and is found by the
// holder by name or partner, ignoring case and Polish diacritics, within days
// of the city's calendar.
package benefit

import (
	"encoding/json"
	"time"

	"github.com/kartamieszkanca/platform/shared/store"
)

// Benefit is one use of a benefit (BenefitKey): in the holder's history
// (GSI1) and the partner organization's list (GSI2).
type Benefit struct {
	store.Key
	store.Index1
	store.Index2
	BenefitID      string    `dynamodbav:"benefitId"`
	ProfileID      string    `dynamodbav:"profileId"`
	CardID         string    `dynamodbav:"cardId"`
	PackageID      string    `dynamodbav:"packageId"`
	PackageName    string    `dynamodbav:"packageName"`
	Name           string    `dynamodbav:"name"`
	OrganizationID string    `dynamodbav:"organizationId"`
	PartnerName    string    `dynamodbav:"partnerName"`
	UsedAt         time.Time `dynamodbav:"usedAt"`
	// Amount is a decimal as the partner sent it ("" for none).
	Amount string `dynamodbav:"amount,omitempty"`
	// Search is the fold of the name and the partner's name (Fold).
	Search string `dynamodbav:"search"`
}

// View is a benefit as the API shows it.
type View struct {
	BenefitID   string       `json:"benefitId"`
	Name        string       `json:"name"`
	PackageID   string       `json:"packageId"`
	PackageName string       `json:"packageName"`
	PartnerName string       `json:"partnerName"`
	UsedAt      time.Time    `json:"usedAt"`
	Amount      *json.Number `json:"amount"`
}

// ToView is the API's view.
func ToView(b *Benefit) View {
	v := View{BenefitID: b.BenefitID, Name: b.Name, PackageID: b.PackageID, PackageName: b.PackageName,
		PartnerName: b.PartnerName, UsedAt: b.UsedAt}
	if b.Amount != "" {
		n := json.Number(b.Amount)
		v.Amount = &n
	}
	return v
}

// timeKey sorts instants as strings in the indexes.
const timeKey = "2006-01-02T15:04:05.000000Z"

// sortKey is a benefit's place in both lists.
func sortKey(usedAt time.Time, id string) string { return usedAt.UTC().Format(timeKey) + "#" + id }
