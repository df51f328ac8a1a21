package testenv

import "testing"

// Holder is a resident with an account, for tests of what a card holder does.
type Holder struct {
	Email, Token, ProfileID string
}

// Path is a path under the holder's profile.
func (h Holder) Path(rest string) string { return "/profiles/" + h.ProfileID + rest }

// NewHolder registers, activates and logs in a resident.
func (e *Env) NewHolder(t testing.TB) Holder {
	t.Helper()
	email, tk := e.Resident(t)
	var me struct {
		ProfileID string `json:"profileId"`
	}
	e.Call(t, "GET", "/profiles/me", tk.AccessToken, nil).Expect(t, 200).Decode(t, &me)
	return Holder{email, tk.AccessToken, me.ProfileID}
}

// CardConsents accept every mandatory clause of the seeded dictionaries.
var CardConsents = []map[string]any{{"clauseId": "terms", "accepted": true}, {"clauseId": "gdpr", "accepted": true}, {"clauseId": "residence", "accepted": true}}

// CardData is a complete virtual card application's data for a profile, with
// a photo and a document uploaded; extra fields are set over it.
func (e *Env) CardData(t testing.TB, h Holder, profileID string, extra map[string]any) map[string]any {
	t.Helper()
	photo := e.Upload(t, h.Token, profileID, "photo", "image/jpeg", JPEGBytes)
	doc := e.Upload(t, h.Token, profileID, "document", "application/pdf", PDFBytes)
	data := map[string]any{"firstName": "Anna", "lastName": "Nowak", "birthDate": "1990-04-12", "cardKind": "virtual",
		"photoUploadId": photo, "documentUploadIds": []string{doc}, "consents": CardConsents}
	for k, v := range extra {
		data[k] = v
	}
	return data
}

// Apply creates and submits an application of a profile; submit must pass.
func (e *Env) Apply(t testing.TB, h Holder, profileID, typ string, data map[string]any) string {
	t.Helper()
	var a struct {
		ApplicationID string `json:"applicationId"`
	}
	e.Call(t, "POST", "/profiles/"+profileID+"/applications", h.Token, map[string]any{"type": typ, "data": data}).Expect(t, 201).Decode(t, &a)
	e.Call(t, "POST", "/profiles/"+profileID+"/applications/"+a.ApplicationID+"/submit", h.Token, nil).Expect(t, 200)
	return a.ApplicationID
}

// Accept has the seeded operator accept an application.
func (e *Env) Accept(t testing.TB, applicationID string) {
	t.Helper()
	op := e.Staff(t, "operator@example.com").AccessToken
	e.Call(t, "POST", "/operator/applications/"+applicationID+"/decision", op,
		map[string]string{"decision": "accept", "comment": ""}).Expect(t, 200)
}

// IssuedCard is a card as GET …/cards answers it, with what it shows.
type IssuedCard struct {
	CardID   string `json:"cardId"`
	Number   string `json:"number"`
	Kind     string `json:"kind"`
	Status   string `json:"status"`
	Packages []struct {
		PackageID string `json:"packageId"`
		Name      string `json:"name"`
		ValidFrom string `json:"validFrom"`
		ValidTo   string `json:"validTo"`
		Status    string `json:"status"`
	} `json:"packages"`
	Identifiers []struct {
		IdentifierID string `json:"identifierId"`
		TypeID       string `json:"typeId"`
		Value        string `json:"value"`
	} `json:"identifiers"`
}

// Cards lists a profile's cards.
func (e *Env) Cards(t testing.TB, h Holder, profileID string) []IssuedCard {
	t.Helper()
	var l struct{ Items []IssuedCard }
	e.Call(t, "GET", "/profiles/"+profileID+"/cards", h.Token, nil).Expect(t, 200).Decode(t, &l)
	return l.Items
}

// CardHolder is a new resident with an accepted virtual card; extra is set
// over the application's data (e.g. packageIds).
func (e *Env) CardHolder(t testing.TB, extra map[string]any) (Holder, IssuedCard) {
	t.Helper()
	h := e.NewHolder(t)
	e.Accept(t, e.Apply(t, h, h.ProfileID, "card_issue", e.CardData(t, h, h.ProfileID, extra)))
	cs := e.Cards(t, h, h.ProfileID)
	if len(cs) != 1 || cs[0].Status != "active" {
		t.Fatalf("cards after acceptance: %+v", cs)
	}
	return h, cs[0]
}
