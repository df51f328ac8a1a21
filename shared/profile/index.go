package profile

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"

	"github.com/kartamieszkanca/platform/shared/store"
	"github.com/kartamieszkanca/platform/shared/textfold"
)

// The resident index (R11.2): operators find a resident by a name's prefix,
// ignoring case and diacritics, or by e-mail, without a scan. Each profile
// has two entries in its own partition (store.ResidentIndexKey), one per
// order of its names, each a GSI1 entry under the first letter of its folded
// names; the "last first" entry also carries the account's e-mail in GSI2.
// They are written in the transaction that writes the names: registration
// (Index), a family member's creation (Index), an accepted data change
// (Rename). Anything that makes a Profile item calls Index beside it.

// Forms of the index entries.
const (
	FormLastFirst = "L"
	FormFirstLast = "F"
)

// IndexEntry is one search entry of a profile.
type IndexEntry struct {
	store.Key
	store.Index1
	store.Index2
	ProfileID   string `dynamodbav:"profileId"`
	HouseholdID string `dynamodbav:"householdId"`
	AccountID   string `dynamodbav:"accountId,omitempty"`
	FirstName   string `dynamodbav:"firstName"`
	LastName    string `dynamodbav:"lastName"`
	BirthDate   string `dynamodbav:"birthDate,omitempty"`
	Email       string `dynamodbav:"email,omitempty"`
	Head        bool   `dynamodbav:"head"`
	// BlockReason is the household's block for a withdrawn consent (R7.3),
	// on each profile's "last first" entry: the profile's facts carry it, so
	// a card issued while it lasts is issued blocked, and the operators'
	// search shows it.
	BlockReason string `dynamodbav:"blockReason,omitempty"`
}

// MarkBlocked adds to tx the household's block on a profile's entry (reason
// "" lifts it).
func MarkBlocked(tx *store.Tx, profileID, reason string) {
	n := expression.Name("blockReason")
	upd := expression.Remove(n)
	if reason != "" {
		upd = expression.Set(n, expression.Value(reason))
	}
	tx.Update(store.ResidentIndexKey(profileID, FormLastFirst), upd, nil, nil)
}

// BlockGuard adds to tx the condition that a profile's household block is
// still as read (reason "" for none): a card issued by the change is issued
// in the state the block asks for.
func BlockGuard(tx *store.Tx, profileID, reason string, onFail error) {
	n := expression.Name("blockReason")
	cond := expression.AttributeNotExists(n)
	if reason != "" {
		cond = n.Equal(expression.Value(reason))
	}
	tx.Check(store.ResidentIndexKey(profileID, FormLastFirst), cond, onFail)
}

// NameLetter is the GSI1 partition letter of a folded text: its first letter,
// or "_" when it starts with anything else.
func NameLetter(folded string) string {
	r, _ := utf8.DecodeRuneInString(folded)
	if unicode.IsLetter(r) || unicode.IsDigit(r) {
		return string(r)
	}
	return "_"
}

// nameKey is an entry's GSI1 sort key: the folded names in the form's order
// and the profile id, so entries of equal names stay distinct.
func nameKey(form, first, last, profileID string) (pk, sk string) {
	words := textfold.Fold(last) + " " + textfold.Fold(first)
	if form == FormFirstLast {
		words = textfold.Fold(first) + " " + textfold.Fold(last)
	}
	words = strings.TrimSpace(words)
	return store.ResidentNamePK(NameLetter(words)), words + "#" + profileID
}

// Index adds to tx a profile's index entries (written whole: a new profile,
// or one indexed again). email is the profile's own account's ("" for none).
func Index(tx *store.Tx, p *Profile, email string) {
	for _, form := range []string{FormLastFirst, FormFirstLast} {
		pk, sk := nameKey(form, p.FirstName, p.LastName, p.ProfileID)
		e := &IndexEntry{Key: store.ResidentIndexKey(p.ProfileID, form), Index1: store.Index1{GSI1PK: pk, GSI1SK: sk},
			ProfileID: p.ProfileID, HouseholdID: p.HouseholdID, AccountID: p.AccountID, FirstName: p.FirstName,
			LastName: p.LastName, BirthDate: p.BirthDate, Head: p.Head}
		if form == FormLastFirst && email != "" {
			e.Email = store.NormalizeEmail(email)
			e.Index2 = store.Index2{GSI2PK: store.ResidentEmailPK(email), GSI2SK: p.ProfileID}
		}
		tx.Put(e, nil, nil)
	}
}

// Rename adds to tx the change of a profile's names (and birth date, when
// given) in its index entries, current being its "last first" entry as read
// with the change's facts; nil leaves a value as it is. The entries are
// derived from the profile, whose own write in the same transaction carries
// the change's condition. A profile without entries has none to change.
func Rename(tx *store.Tx, householdID, profileID string, first, last, birthDate *string, current *IndexEntry) {
	if current == nil || first == nil && last == nil && birthDate == nil {
		return
	}
	f, l := current.FirstName, current.LastName
	if first != nil {
		f = *first
	}
	if last != nil {
		l = *last
	}
	for _, form := range []string{FormLastFirst, FormFirstLast} {
		pk, sk := nameKey(form, f, l, profileID)
		upd := expression.Set(expression.Name("firstName"), expression.Value(f)).
			Set(expression.Name("lastName"), expression.Value(l)).
			Set(expression.Name("profileId"), expression.Value(profileID)).
			Set(expression.Name("householdId"), expression.Value(householdID)).
			Set(expression.Name("GSI1PK"), expression.Value(pk)).
			Set(expression.Name("GSI1SK"), expression.Value(sk))
		if birthDate != nil {
			upd = upd.Set(expression.Name("birthDate"), expression.Value(*birthDate))
		}
		tx.Update(store.ResidentIndexKey(profileID, form), upd, nil, nil)
	}
}

// IndexAccount adds to tx, beside the change that gives a profile its own
// login (a family member's accepted invitation), the account and its e-mail
// on the profile's "last first" entry (GSI2: found by e-mail).
func IndexAccount(tx *store.Tx, profileID, accountID, email string) {
	tx.Update(store.ResidentIndexKey(profileID, FormLastFirst),
		expression.Set(expression.Name("accountId"), expression.Value(accountID)).
			Set(expression.Name("email"), expression.Value(store.NormalizeEmail(email))).
			Set(expression.Name("GSI2PK"), expression.Value(store.ResidentEmailPK(email))).
			Set(expression.Name("GSI2SK"), expression.Value(profileID)), nil, nil)
}
