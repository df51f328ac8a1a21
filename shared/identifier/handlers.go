package identifier

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/oklog/ulid/v2"

	"github.com/kartamieszkanca/platform/shared/apierr"
	"github.com/kartamieszkanca/platform/shared/dictionary"
	"github.com/kartamieszkanca/platform/shared/httpapi"
	"github.com/kartamieszkanca/platform/shared/platform"
	"github.com/kartamieszkanca/platform/shared/profile"
	"github.com/kartamieszkanca/platform/shared/store"
)

// Codes.
var (
	ActiveCardRequired = apierr.Register("active_card_required", http.StatusConflict)
	Taken              = apierr.Register("identifier_taken", http.StatusConflict)
	Limit              = apierr.Register("identifier_limit", http.StatusConflict)
)

var (
	errNotFound     = apierr.New(apierr.NotFound, "No such identifier.")
	errTaken        = apierr.New(Taken, "This identifier is held already.")
	errLimit        = apierr.New(Limit, "The profile holds as many identifiers of this type as it may.")
	errNoActiveCard = apierr.New(ActiveCardRequired, "Identifiers are added to a profile with an active card.")
)

// List serves GET /profiles/{profileId}/identifiers (R4.10).
func List(d *platform.Deps) httpapi.Handler {
	return func(ctx context.Context, r *httpapi.Request) (*httpapi.Response, error) {
		p, err := profile.Reach(ctx, store.Of(d), r.Account, r.Params["profileId"])
		if err != nil {
			return nil, err
		}
		is, err := OfProfile(ctx, store.Of(d), p.ProfileID)
		if err != nil {
			return nil, err
		}
		return httpapi.JSON(200, httpapi.List[View]{Items: Views(is)}), nil
	}
}

type createBody struct {
	TypeID string `json:"typeId"`
	Value  string `json:"value"`
}

func (b *createBody) Validate(c *httpapi.Checks) {
	if c.Required("typeId", b.TypeID) && len(b.TypeID) > 64 {
		c.Fail("typeId", "unknown")
	}
	b.Value = strings.TrimSpace(b.Value)
	c.Text("value", b.Value, 100)
}

// typeEntry names the identifier type a request adds, so the adapter reads
// it with the resident's account: the gate and the type, the holder's Query,
// the commit (3 round trips).
func typeEntry(r *httpapi.Request) []store.Key {
	var b struct {
		TypeID string `json:"typeId"`
	}
	if json.Unmarshal(r.Body, &b) != nil || b.TypeID == "" {
		return nil
	}
	return []store.Key{store.DictionaryKey(dictionary.IdentifierTypes, b.TypeID)}
}

func init() { httpapi.RegisterPrefetch("create-identifier", typeEntry) }

// Create serves POST /profiles/{profileId}/identifiers (R4.10): an identifier
// of a configured type, matching its pattern, for a profile with an active
// card, within the type's limit per profile and, for a unique type, held by
// no one else in the city. The limit, the uniqueness and the active card are
// conditions of the one transaction, so racing requests cannot get around them.
func Create(d *platform.Deps) httpapi.Handler {
	return httpapi.Body(func(ctx context.Context, r *httpapi.Request, b *createBody) (*httpapi.Response, error) {
		p, err := profile.Reach(ctx, store.Of(d), r.Account, r.Params["profileId"])
		if err != nil {
			return nil, err
		}
		typ, ok, err := readType(ctx, store.Of(d), r, b.TypeID)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, apierr.Invalid(apierr.FieldError{Field: "typeId", Code: "unknown"})
		}
		if !typ.Pattern.MatchString(b.Value) {
			e := apierr.Invalid(apierr.FieldError{Field: "value", Code: "pattern"})
			if typ.Hint != "" {
				e.Message = "The value does not match the type's rule: " + typ.Hint + "."
			}
			return nil, e
		}
		f, err := factsOf(ctx, store.Of(d), p.ProfileID)
		if err != nil {
			return nil, err
		}
		var active *cardFact
		for i := range f.cards {
			if f.cards[i].Status == CardActive {
				active = &f.cards[i]
			}
		}
		if active == nil {
			return nil, errNoActiveCard
		}
		held := 0
		for _, i := range f.identifiers {
			if i.TypeID == typ.ID {
				held++
				if i.Value == b.Value {
					return nil, errTaken
				}
			}
		}
		if held >= typ.MaxPerProfile {
			return nil, errLimit
		}
		id := ulid.Make().String()
		now := d.Now().UTC()
		i := &Identifier{Key: store.IdentifierKey(p.ProfileID, id), IdentifierID: id, ProfileID: p.ProfileID, TypeID: typ.ID,
			Name: typ.Name, Value: b.Value, Unique: typ.Unique, CreatedAt: now}
		tx := &store.Tx{}
		add(tx, i, typ, active)
		return httpapi.JSON(201, ToView(i)).With(tx), nil
	})
}

// Delete serves DELETE /profiles/{profileId}/identifiers/{identifierId}: the
// identifier goes and its value is free again.
func Delete(d *platform.Deps) httpapi.Handler {
	return func(ctx context.Context, r *httpapi.Request) (*httpapi.Response, error) {
		p, err := profile.Reach(ctx, store.Of(d), r.Account, r.Params["profileId"])
		if err != nil {
			return nil, err
		}
		var i Identifier
		err = store.Of(d).Get(ctx, store.IdentifierKey(p.ProfileID, r.Params["identifierId"]), &i)
		if errors.Is(err, store.ErrNotFound) {
			return nil, errNotFound
		}
		if err != nil {
			return nil, err
		}
		tx := &store.Tx{}
		remove(tx, &i)
		return httpapi.NoContent().With(tx), nil
	}
}
