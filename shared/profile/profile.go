// Package profile holds the profiles of a household and the one rule of who may
// reach them (R10.3, R10.4, R14.3): a household head reaches the household's
// profiles, a family member only its own; everything else is 404.
package profile

import (
	"context"
	"errors"
	"net/http"
	"sort"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"

	"github.com/kartamieszkanca/platform/shared/account"
	"github.com/kartamieszkanca/platform/shared/apierr"
	"github.com/kartamieszkanca/platform/shared/httpapi"
	"github.com/kartamieszkanca/platform/shared/platform"
	"github.com/kartamieszkanca/platform/shared/store"
)

// Me stands for the caller's own profile in paths.
const Me = "me"

// View is a profile as the API shows it.
type View struct {
	ProfileID    string  `json:"profileId"`
	FirstName    string  `json:"firstName"`
	LastName     string  `json:"lastName"`
	BirthDate    string  `json:"birthDate"`
	Relationship *string `json:"relationship,omitempty"`
	Status       string  `json:"status"`
	Head         bool    `json:"head"`
	// Email: where a member without a login yet was invited.
	Email *string `json:"email,omitempty"`
}

// ToView is the API's view of a profile.
func ToView(p *Profile) View {
	v := View{ProfileID: p.ProfileID, FirstName: p.FirstName, LastName: p.LastName, BirthDate: p.BirthDate,
		Status: p.Status, Head: p.Head}
	if p.Relationship != "" {
		v.Relationship = &p.Relationship
	}
	if p.Email != "" && p.AccountID == "" {
		v.Email = &p.Email
	}
	return v
}

var errNotFound = apierr.New(apierr.NotFound, "No such profile.")

// PendingActivation: a member invited by e-mail is reachable only once the
// invitation is accepted (R10.2); until then the head manages it through the
// family routes only.
var PendingActivation = apierr.Register("profile_pending_activation", http.StatusConflict)

// Resolve returns a profile the caller may reach, by id or "me"; anything else
// is 404, never 403, so ids of other households reveal nothing.
func Resolve(ctx context.Context, t *store.Table, acc *account.Account, id string) (*Profile, error) {
	p, err := resolve(ctx, t, acc, id)
	if err != nil {
		return nil, err
	}
	if p.Status == account.Pending && p.ProfileID != acc.ProfileID {
		return nil, apierr.New(PendingActivation, "The family member's profile is available once the member accepts the invitation.")
	}
	return p, nil
}

// resolve is Resolve for a pending member too: the profile itself shows the
// head its state.
func resolve(ctx context.Context, t *store.Table, acc *account.Account, id string) (*Profile, error) {
	if acc.ProfileID == "" {
		return nil, errNotFound
	}
	if id == Me {
		id = acc.ProfileID
	}
	if !acc.Head && id != acc.ProfileID {
		return nil, errNotFound
	}
	var p Profile
	err := t.Get(ctx, store.ProfileKey(acc.HouseholdID, id), &p)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errNotFound
	}
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// Household lists the profiles the caller may switch to: own first, then the
// family by the time they were added. One Query.
func Household(ctx context.Context, t *store.Table, acc *account.Account) ([]Profile, error) {
	if acc.ProfileID == "" {
		return nil, nil
	}
	if !acc.Head {
		p, err := Resolve(ctx, t, acc, Me)
		if err != nil {
			return nil, err
		}
		return []Profile{*p}, nil
	}
	var ps []Profile
	_, err := t.Query(ctx, store.QueryInput{
		KeyCond: expression.Key("PK").Equal(expression.Value(store.HouseholdPK(acc.HouseholdID))).
			And(expression.Key("SK").BeginsWith(store.ProfileSKPrefix)),
		Forward:    true,
		Consistent: true,
	}, &ps)
	if err != nil {
		return nil, err
	}
	sort.SliceStable(ps, func(i, j int) bool {
		if ps[i].ProfileID == acc.ProfileID || ps[j].ProfileID == acc.ProfileID {
			return ps[i].ProfileID == acc.ProfileID
		}
		return ps[i].CreatedAt.Before(ps[j].CreatedAt)
	})
	return ps, nil
}

// List serves GET /profiles.
func List(d *platform.Deps) httpapi.Handler {
	return func(ctx context.Context, r *httpapi.Request) (*httpapi.Response, error) {
		ps, err := Household(ctx, store.Of(d), r.Account)
		if err != nil {
			return nil, err
		}
		items := make([]View, 0, len(ps))
		for i := range ps {
			items = append(items, ToView(&ps[i]))
		}
		return httpapi.JSON(200, httpapi.List[View]{Items: items}), nil
	}
}

// Get serves GET /profiles/{profileId}.
func Get(d *platform.Deps) httpapi.Handler {
	return func(ctx context.Context, r *httpapi.Request) (*httpapi.Response, error) {
		p, err := resolve(ctx, store.Of(d), r.Account, r.Params["profileId"])
		if err != nil {
			return nil, err
		}
		return httpapi.JSON(200, ToView(p)), nil
	}
}

// MayReach tells, without a read, whether the caller may reach the profile
// owner that a request names as id ("me" or a profile id): its own, or as the
// household's head any profile of the household — which the caller checks on
// the item it reads (its householdId).
func MayReach(acc *account.Account, id, owner string) bool {
	if acc.ProfileID == "" {
		return false
	}
	if id == Me {
		id = acc.ProfileID
	}
	if id != owner {
		return false
	}
	return id == acc.ProfileID || acc.Head
}

// Reach is Resolve for handlers that need only the profile's ids: the caller's
// own profile is known from the account the request was authorized with, so it
// costs no read; another household member's is read to prove it exists.
func Reach(ctx context.Context, t *store.Table, acc *account.Account, id string) (*Profile, error) {
	if acc.ProfileID != "" && (id == Me || id == acc.ProfileID) {
		return &Profile{ProfileID: acc.ProfileID, HouseholdID: acc.HouseholdID}, nil
	}
	return Resolve(ctx, t, acc, id)
}

// Activate adds to tx the activation of a profile with its account.
func Activate(tx *store.Tx, householdID, profileID string) {
	tx.Update(store.ProfileKey(householdID, profileID),
		expression.Set(expression.Name("status"), expression.Value(account.Active)), store.Exists(), nil)
}
