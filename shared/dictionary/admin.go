package dictionary

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"regexp/syntax"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"

	"github.com/kartamieszkanca/platform/shared/apierr"
	"github.com/kartamieszkanca/platform/shared/audit"
	"github.com/kartamieszkanca/platform/shared/httpapi"
	"github.com/kartamieszkanca/platform/shared/platform"
	"github.com/kartamieszkanca/platform/shared/store"
)

// The operators' maintenance of the dictionaries (R11.3). Every change is
// conditioned on the revision it was decided on and recorded in the audit
// trail in the same transaction. An entry is never removed: records name
// entries by id (an application's pickup point, a card's, an entitlement's
// package, a consent's clause), and proving that no record names one would
// take a scan or a reference count kept by every writer; so DELETE retires it
// (active: false): gone from public lists and from what residents may choose,
// still shown by name on the records that have it.

// Codes.
var (
	EntryExists = apierr.Register("dictionary_entry_exists", http.StatusConflict)
)

var (
	errEntryNotFound = apierr.New(apierr.NotFound, "No such dictionary entry.")
	errKindNotFound  = apierr.New(apierr.NotFound, "No such dictionary.")
	errRevision      = apierr.New(apierr.Conflict, "The entry was changed in the meantime; read it again.")
)

// Kinds lists every dictionary the operators maintain.
var Kinds = []string{ConsentClauses, PickupPoints, DuplicateReasons, IdentifierTypes, CaseTypes, Packages}

func known(kind string) bool {
	for _, k := range Kinds {
		if k == kind {
			return true
		}
	}
	return false
}

// idShape: an entry's id is a short slug, fixed at creation (records name it).
var idShape = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,39}$`)

// maxPattern bounds an identifier type's pattern: RE2 runs in time linear in
// the input, and a bounded pattern keeps the compiled program small.
const maxPattern = 200

// common are the fields of every body.
type common struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// Revision, when given, must be the entry's current one (a stale edit is
	// refused rather than overwriting a colleague's).
	Revision *int `json:"revision"`
	Order    *int `json:"order"`
}

func (b *common) check(c *httpapi.Checks) {
	if b.ID != "" && !idShape.MatchString(b.ID) {
		c.Fail("id", "invalid")
	}
	if b.Order != nil && (*b.Order < 0 || *b.Order > 10000) {
		c.Fail("order", "out_of_range")
	}
}

func (b *common) base() *common { return b }

// body is one kind's request body.
type body interface {
	httpapi.Validator
	base() *common
	fields() map[string]any
}

type pickupPointBody struct {
	common
	Address string `json:"address"`
	Hours   string `json:"hours"`
}

func (b *pickupPointBody) Validate(c *httpapi.Checks) {
	b.check(c)
	c.Text("name", b.Name, 200)
	c.Text("address", b.Address, 200)
	c.OptionalText("hours", b.Hours, 200)
}

func (b *pickupPointBody) fields() map[string]any {
	f := map[string]any{"address": b.Address}
	if b.Hours != "" {
		f["hours"] = b.Hours
	}
	return f
}

type reasonBody struct{ common }

func (b *reasonBody) Validate(c *httpapi.Checks) { b.check(c); c.Text("name", b.Name, 200) }
func (b *reasonBody) fields() map[string]any     { return nil }

type identifierTypeBody struct {
	common
	Pattern       string `json:"pattern"`
	Hint          string `json:"hint"`
	MaxPerProfile *int   `json:"maxPerProfile"`
	Unique        *bool  `json:"unique"`
}

func (b *identifierTypeBody) Validate(c *httpapi.Checks) {
	b.check(c)
	c.Text("name", b.Name, 200)
	c.OptionalText("hint", b.Hint, 200)
	switch {
	case strings.TrimSpace(b.Pattern) == "":
		c.Fail("pattern", "required")
	case len(b.Pattern) > maxPattern:
		c.Fail("pattern", "too_long")
	default:
		// Go's regexp is RE2: what compiles here is what identifiers are
		// checked with. Perl syntax is what RE2 accepts.
		if _, err := syntax.Parse(b.Pattern, syntax.Perl); err != nil {
			c.Fail("pattern", "invalid_pattern")
		} else if _, err := regexp.Compile(b.Pattern); err != nil {
			c.Fail("pattern", "invalid_pattern")
		}
	}
	if b.MaxPerProfile != nil && (*b.MaxPerProfile < 1 || *b.MaxPerProfile > 20) {
		c.Fail("maxPerProfile", "out_of_range")
	}
}

func (b *identifierTypeBody) fields() map[string]any {
	f := map[string]any{"pattern": b.Pattern, "maxPerProfile": 1, "unique": true}
	if b.Hint != "" {
		f["hint"] = b.Hint
	}
	if b.MaxPerProfile != nil {
		f["maxPerProfile"] = *b.MaxPerProfile
	}
	if b.Unique != nil {
		f["unique"] = *b.Unique
	}
	return f
}

type caseTypeBody struct {
	common
	ReplyAllowed    *bool `json:"replyAllowed"`
	ResidentCanOpen *bool `json:"residentCanOpen"`
}

func (b *caseTypeBody) Validate(c *httpapi.Checks) {
	b.check(c)
	c.Text("name", b.Name, 200)
	if b.ReplyAllowed == nil {
		c.Fail("replyAllowed", "required")
	}
	if b.ResidentCanOpen == nil {
		c.Fail("residentCanOpen", "required")
	}
}

func (b *caseTypeBody) fields() map[string]any {
	return map[string]any{"replyAllowed": b.ReplyAllowed != nil && *b.ReplyAllowed,
		"residentCanOpen": b.ResidentCanOpen != nil && *b.ResidentCanOpen}
}

type packageBody struct {
	common
	Description       string `json:"description"`
	ValidityMonths    int    `json:"validityMonths"`
	DocumentsRequired bool   `json:"documentsRequired"`
	MinAge            *int   `json:"minAge"`
	Default           bool   `json:"default"`
}

func (b *packageBody) Validate(c *httpapi.Checks) {
	b.check(c)
	c.Text("name", b.Name, 200)
	c.Paragraphs("description", b.Description, 2000)
	if b.ValidityMonths < 1 || b.ValidityMonths > 60 {
		c.Fail("validityMonths", "out_of_range")
	}
	if b.MinAge != nil && (*b.MinAge < 0 || *b.MinAge > 120) {
		c.Fail("minAge", "out_of_range")
	}
}

func (b *packageBody) fields() map[string]any {
	f := map[string]any{"validityMonths": b.ValidityMonths, "documentsRequired": b.DocumentsRequired, "default": b.Default}
	if b.Description != "" {
		f["description"] = b.Description
	}
	if b.MinAge != nil {
		f["minAge"] = *b.MinAge
	}
	return f
}

type clauseBody struct {
	common
	Title     string `json:"title"`
	Body      string `json:"body"`
	Mandatory bool   `json:"mandatory"`
	GDPR      bool   `json:"gdpr"`
}

func (b *clauseBody) Validate(c *httpapi.Checks) {
	b.check(c)
	if b.Name != "" {
		c.Fail("name", "unknown") // a clause has a title
	}
	c.Text("title", b.Title, 200)
	if c.Required("body", b.Body) {
		c.Paragraphs("body", b.Body, 10000)
	}
}

func (b *clauseBody) fields() map[string]any { return nil }

// decodeBody decodes the kind's body.
func decodeBody(r *httpapi.Request, kind string) (body, error) {
	var b body
	switch kind {
	case PickupPoints:
		b = &pickupPointBody{}
	case DuplicateReasons:
		b = &reasonBody{}
	case IdentifierTypes:
		b = &identifierTypeBody{}
	case CaseTypes:
		b = &caseTypeBody{}
	case Packages:
		b = &packageBody{}
	case ConsentClauses:
		b = &clauseBody{}
	default:
		return nil, errKindNotFound
	}
	if err := httpapi.Decode(r, b); err != nil {
		return nil, err
	}
	return b, nil
}

// adminView is an entry as operators see it: the public view with its state.
func adminView(e *Entry) map[string]any {
	m := view(*e)
	m["active"], m["revision"], m["order"] = e.Active, e.Revision, e.Order
	return m
}

type clauseView struct {
	Clause
	Active   bool `json:"active"`
	Revision int  `json:"revision"`
	Order    int  `json:"order"`
}

func clauseAdminView(c *Clause) clauseView {
	return clauseView{Clause: *c, Active: c.Active, Revision: c.Revision, Order: c.Order}
}

// AdminList serves GET /operator/dictionaries/{kind}: every entry, retired
// ones too, in their order.
func AdminList(d *platform.Deps) httpapi.Handler {
	return func(ctx context.Context, r *httpapi.Request) (*httpapi.Response, error) {
		kind := r.Params["kind"]
		if !known(kind) {
			return nil, errKindNotFound
		}
		if kind == ConsentClauses {
			var cs []Clause
			if err := query(ctx, store.Of(d), kind, &cs); err != nil {
				return nil, err
			}
			items := make([]clauseView, 0, len(cs))
			for i := range sortClauses(cs) {
				items = append(items, clauseAdminView(&cs[i]))
			}
			return httpapi.JSON(200, httpapi.List[clauseView]{Items: items}), nil
		}
		es, err := All(ctx, store.Of(d), kind)
		if err != nil {
			return nil, err
		}
		items := make([]map[string]any, 0, len(es))
		for i := range es {
			items = append(items, adminView(&es[i]))
		}
		return httpapi.JSON(200, httpapi.List[map[string]any]{Items: items}), nil
	}
}

func sortClauses(cs []Clause) []Clause {
	for i := 1; i < len(cs); i++ {
		for j := i; j > 0 && cs[j].Order < cs[j-1].Order; j-- {
			cs[j], cs[j-1] = cs[j-1], cs[j]
		}
	}
	return cs
}

// AdminGet serves GET /operator/dictionaries/{kind}/{id}.
func AdminGet(d *platform.Deps) httpapi.Handler {
	return func(ctx context.Context, r *httpapi.Request) (*httpapi.Response, error) {
		kind, id := r.Params["kind"], r.Params["id"]
		if !known(kind) {
			return nil, errKindNotFound
		}
		if kind == ConsentClauses {
			c, err := readClause(ctx, store.Of(d), id)
			if err != nil {
				return nil, err
			}
			return httpapi.JSON(200, clauseAdminView(c)), nil
		}
		e, err := readEntry(ctx, store.Of(d), kind, id)
		if err != nil {
			return nil, err
		}
		return httpapi.JSON(200, adminView(e)), nil
	}
}

func readEntry(ctx context.Context, t *store.Table, kind, id string) (*Entry, error) {
	var e Entry
	if err := t.Get(ctx, store.DictionaryKey(kind, id), &e); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil, errEntryNotFound
		}
		return nil, err
	}
	return &e, nil
}

func readClause(ctx context.Context, t *store.Table, id string) (*Clause, error) {
	var c Clause
	if err := t.Get(ctx, store.DictionaryKey(ConsentClauses, id), &c); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil, errEntryNotFound
		}
		return nil, err
	}
	return &c, nil
}

// AdminCreate serves POST /operator/dictionaries/{kind}: a new, active entry
// (the id given, or taken from the name's letters), conditioned on the id
// being free.
func AdminCreate(d *platform.Deps) httpapi.Handler {
	return func(ctx context.Context, r *httpapi.Request) (*httpapi.Response, error) {
		kind := r.Params["kind"]
		if !known(kind) {
			return nil, errKindNotFound
		}
		b, err := decodeBody(r, kind)
		if err != nil {
			return nil, err
		}
		cm := b.base()
		if cm.ID == "" {
			return nil, apierr.Invalid(apierr.FieldError{Field: "id", Code: "required"})
		}
		order := 0
		if cm.Order != nil {
			order = *cm.Order
		}
		now := d.Now().UTC()
		tx := &store.Tx{}
		exists := apierr.New(EntryExists, "An entry with this id exists (retired entries keep their ids).")
		var resp *httpapi.Response
		if cb, ok := b.(*clauseBody); ok {
			c := &Clause{Key: store.DictionaryKey(kind, cm.ID), ID: cm.ID, Title: cb.Title, Body: cb.Body,
				Mandatory: cb.Mandatory, GDPR: cb.GDPR, Version: 1, Active: true, Order: order, Revision: 1}
			tx.Create(c, exists)
			resp = httpapi.JSON(201, clauseAdminView(c))
		} else {
			e := &Entry{Key: store.DictionaryKey(kind, cm.ID), ID: cm.ID, Name: cm.Name, Active: true, Order: order,
				Fields: b.fields(), Revision: 1}
			tx.Create(e, exists)
			resp = httpapi.JSON(201, adminView(e))
		}
		audit.Record(tx, r.Account, now, "dictionary.create", "", kind+"/"+cm.ID, nil)
		return resp.With(tx).Then(func(context.Context) { forget(kind) }), nil
	}
}

// revisionIs conditions a change on the revision read (0: never changed).
func revisionIs(rev int) *expression.ConditionBuilder {
	c := expression.Name("revision").Equal(expression.Value(rev))
	if rev == 0 {
		c = expression.AttributeNotExists(expression.Name("revision")).Or(c)
	}
	return store.Cond(expression.AttributeExists(expression.Name("PK")).And(c))
}

// AdminUpdate serves PUT /operator/dictionaries/{kind}/{id}: the entry's
// fields replaced. A clause whose title or text changes gets a new version:
// residents who accepted an older one see it as not accepted (consent
// package), and submissions that relied on the old one fail their commit's
// condition. Nobody is blocked by it.
func AdminUpdate(d *platform.Deps) httpapi.Handler {
	return func(ctx context.Context, r *httpapi.Request) (*httpapi.Response, error) {
		kind, id := r.Params["kind"], r.Params["id"]
		if !known(kind) {
			return nil, errKindNotFound
		}
		b, err := decodeBody(r, kind)
		if err != nil {
			return nil, err
		}
		cm := b.base()
		if cm.ID != "" && cm.ID != id {
			return nil, apierr.Invalid(apierr.FieldError{Field: "id", Code: "immutable"})
		}
		t := store.Of(d)
		now := d.Now().UTC()
		tx := &store.Tx{}
		detail := map[string]string{}
		var resp *httpapi.Response
		if cb, ok := b.(*clauseBody); ok {
			c, err := readClause(ctx, t, id)
			if err != nil {
				return nil, err
			}
			if cm.Revision != nil && *cm.Revision != c.Revision {
				return nil, errRevision
			}
			order := c.Order
			if cm.Order != nil {
				order = *cm.Order
			}
			next := *c
			next.Title, next.Body, next.Mandatory, next.GDPR, next.Order = cb.Title, cb.Body, cb.Mandatory, cb.GDPR, order
			if cb.Title != c.Title || cb.Body != c.Body {
				next.Version = c.Version + 1
				detail["version"] = strconv.Itoa(next.Version)
			}
			next.Revision = c.Revision + 1
			tx.Put(&next, revisionIs(c.Revision), errRevision)
			resp = httpapi.JSON(200, clauseAdminView(&next))
		} else {
			e, err := readEntry(ctx, t, kind, id)
			if err != nil {
				return nil, err
			}
			if cm.Revision != nil && *cm.Revision != e.Revision {
				return nil, errRevision
			}
			next := *e
			next.Name, next.Fields, next.Revision = cm.Name, b.fields(), e.Revision+1
			if cm.Order != nil {
				next.Order = *cm.Order
			}
			tx.Put(&next, revisionIs(e.Revision), errRevision)
			resp = httpapi.JSON(200, adminView(&next))
		}
		audit.Record(tx, r.Account, now, "dictionary.update", "", kind+"/"+id, detail)
		return resp.With(tx).Then(func(context.Context) { forget(kind) }), nil
	}
}

// AdminDelete serves DELETE /operator/dictionaries/{kind}/{id}: the entry is
// retired (see above); retiring a retired entry changes nothing.
func AdminDelete(d *platform.Deps) httpapi.Handler {
	return func(ctx context.Context, r *httpapi.Request) (*httpapi.Response, error) {
		kind, id := r.Params["kind"], r.Params["id"]
		if !known(kind) {
			return nil, errKindNotFound
		}
		e, err := readEntry(ctx, store.Of(d), kind, id)
		if err != nil {
			return nil, err
		}
		if !e.Active {
			return httpapi.NoContent(), nil
		}
		tx := &store.Tx{}
		tx.Update(e.Key, expression.Set(expression.Name("active"), expression.Value(false)).
			Set(expression.Name("revision"), expression.Value(e.Revision+1)), revisionIs(e.Revision), errRevision)
		audit.Record(tx, r.Account, d.Now(), "dictionary.retire", "", kind+"/"+id, nil)
		return httpapi.NoContent().With(tx).Then(func(context.Context) { forget(kind) }), nil
	}
}
