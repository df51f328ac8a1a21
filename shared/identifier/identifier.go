// Package identifier holds a profile's other identifiers (R4.10): a student
// card's number, a large family card's… of the types operators configure, each
// checked by its type's pattern, at most a type's limit per profile, and
// unique across the city where the type says so (a claim item). They are
// shown with the card and at inspection.
package identifier

import (
	"time"

	"github.com/kartamieszkanca/platform/shared/store"
)

// Identifier is one identifier of a profile (IdentifierKey).
type Identifier struct {
	store.Key
	IdentifierID string `dynamodbav:"identifierId"`
	ProfileID    string `dynamodbav:"profileId"`
	TypeID       string `dynamodbav:"typeId"`
	// Name is the type's name when the identifier was added.
	Name  string `dynamodbav:"name"`
	Value string `dynamodbav:"value"`
	// Unique: the value holds the city-wide claim (IdentifierValueKey).
	Unique    bool      `dynamodbav:"unique"`
	CreatedAt time.Time `dynamodbav:"createdAt"`
}

// View is an identifier as the API shows it to its holder.
type View struct {
	IdentifierID string    `json:"identifierId"`
	TypeID       string    `json:"typeId"`
	Name         string    `json:"name"`
	Value        string    `json:"value"`
	CreatedAt    time.Time `json:"createdAt"`
}

// ToView is the holder's view.
func ToView(i *Identifier) View {
	return View{IdentifierID: i.IdentifierID, TypeID: i.TypeID, Name: i.Name, Value: i.Value, CreatedAt: i.CreatedAt}
}

// Views are the views of a list, never nil.
func Views(is []Identifier) []View {
	out := make([]View, 0, len(is))
	for i := range is {
		out = append(out, ToView(&is[i]))
	}
	return out
}
