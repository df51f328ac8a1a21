package consent

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"

	"github.com/kartamieszkanca/platform/shared/account"
	"github.com/kartamieszkanca/platform/shared/apierr"
	"github.com/kartamieszkanca/platform/shared/card"
	"github.com/kartamieszkanca/platform/shared/dictionary"
	"github.com/kartamieszkanca/platform/shared/erasure"
	"github.com/kartamieszkanca/platform/shared/httpapi"
	"github.com/kartamieszkanca/platform/shared/platform"
	"github.com/kartamieszkanca/platform/shared/profile"
	"github.com/kartamieszkanca/platform/shared/store"
)

// Codes.
var (
	// ConfirmationRequired: the GDPR clause is withdrawn only with
	// confirm: "WITHDRAW_GDPR" (R7.2: it erases the household).
	ConfirmationRequired = apierr.Register("confirmation_required", http.StatusConflict)
)

// ConfirmGDPR is the confirmation a GDPR withdrawal must carry.
const ConfirmGDPR = "WITHDRAW_GDPR"

// maxTxItems is DynamoDB's limit of one transaction.
const maxTxItems = 100

// View is a clause with the head's answer to it.
type View struct {
	ClauseID        string     `json:"clauseId"`
	Title           string     `json:"title"`
	Body            string     `json:"body"`
	Mandatory       bool       `json:"mandatory"`
	GDPR            bool       `json:"gdpr"`
	Version         int        `json:"version"`
	Accepted        bool       `json:"accepted"`
	AcceptedVersion *int       `json:"acceptedVersion"`
	AcceptedAt      *time.Time `json:"acceptedAt"`
	WithdrawnAt     *time.Time `json:"withdrawnAt"`
}

// ToView joins a clause and an answer (nil: never answered). An answer to an
// older version is not an acceptance of the current one (R7.1).
func ToView(cl dictionary.Clause, c *Consent) View {
	v := View{ClauseID: cl.ID, Title: cl.Title, Body: cl.Body, Mandatory: cl.Mandatory, GDPR: cl.GDPR, Version: cl.Version}
	if c == nil {
		return v
	}
	v.Accepted = c.Accepted && c.Version >= cl.Version
	if c.Accepted {
		ver := c.Version
		v.AcceptedVersion = &ver
	}
	v.AcceptedAt, v.WithdrawnAt = utc(c.AcceptedAt), utc(c.WithdrawnAt)
	return v
}

func utc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// ofAccount reads an account's answers, by clause: one Query.
func ofAccount(ctx context.Context, t *store.Table, accountID string) (map[string]*Consent, error) {
	var cs []Consent
	_, err := t.Query(ctx, store.QueryInput{
		KeyCond: expression.Key("PK").Equal(expression.Value(store.AccountKey(accountID).PK)).
			And(expression.Key("SK").BeginsWith(store.ConsentSKPrefix)),
		Consistent: true,
	}, &cs)
	out := map[string]*Consent{}
	for i := range cs {
		out[cs[i].ClauseID] = &cs[i]
	}
	return out, err
}

// List serves GET /account/consents (R7.1): the current clauses with the
// head's answers. The clauses and the answers are read at once.
func List(d *platform.Deps) httpapi.Handler {
	return func(ctx context.Context, r *httpapi.Request) (*httpapi.Response, error) {
		t := store.Of(d)
		var clauses []dictionary.Clause
		var answers map[string]*Consent
		err := all(
			func() (err error) { clauses, err = dictionary.Clauses(ctx, t); return },
			func() (err error) { answers, err = ofAccount(ctx, t, r.Account.AccountID); return })
		if err != nil {
			return nil, err
		}
		items := make([]View, 0, len(clauses))
		for _, cl := range clauses {
			items = append(items, ToView(cl, answers[cl.ID]))
		}
		return httpapi.JSON(200, httpapi.List[View]{Items: items}), nil
	}
}

type putBody struct {
	Accepted *bool   `json:"accepted"`
	Confirm  *string `json:"confirm"`
}

func (b *putBody) Validate(c *httpapi.Checks) {
	if b.Accepted == nil {
		c.Fail("accepted", "required")
	}
	if b.Confirm != nil && *b.Confirm != ConfirmGDPR {
		c.Fail("confirm", "invalid")
	}
}

// Answer is PUT's answer: the clause with the head's answer, and the account's
// state after it.
type Answer struct {
	View
	AccountStatus string  `json:"accountStatus"`
	BlockReason   *string `json:"blockReason"`
}

var errNoClause = apierr.New(apierr.NotFound, "No such consent clause.")

// Put serves PUT /account/consents/{clauseId} (R7.1–R7.3). Only the head
// holds consents (the route table keeps members out). Withdrawing a
// mandatory clause blocks the household (accounts and live cards) in the
// same transaction; accepting the last withdrawn one again lifts exactly that
// block. The GDPR clause's withdrawal is gdprWithdrawal's.
func Put(d *platform.Deps) httpapi.Handler {
	return func(ctx context.Context, r *httpapi.Request) (*httpapi.Response, error) {
		t := store.Of(d)
		clauses, err := dictionary.Clauses(ctx, t)
		if err != nil {
			return nil, err
		}
		var cl *dictionary.Clause
		for i := range clauses {
			if clauses[i].ID == r.Params["clauseId"] {
				cl = &clauses[i]
			}
		}
		// A missing clause is 404 whatever the body, as a missing object is.
		if cl == nil {
			return nil, errNoClause
		}
		var b putBody
		if err := httpapi.Decode(r, &b); err != nil {
			return nil, err
		}
		acc := r.Account
		if !*b.Accepted && cl.GDPR {
			return gdprWithdrawal(ctx, d, r, cl, b.Confirm)
		}
		now := d.Now().UTC()
		tx := &store.Tx{}
		// The answer is to the clause as read: a new version in between fails
		// the commit instead of being accepted unseen.
		tx.Check(store.DictionaryKey(dictionary.ConsentClauses, cl.ID),
			expression.Name("active").Equal(expression.Value(true)).
				And(expression.Name("version").Equal(expression.Value(cl.Version))), dictionary.ErrClausesChanged)
		mine := &Consent{ClauseID: cl.ID, Version: cl.Version, Accepted: *b.Accepted}
		upd := expression.Set(expression.Name("clauseId"), expression.Value(cl.ID)).
			Set(expression.Name("accepted"), expression.Value(*b.Accepted))
		if *b.Accepted {
			mine.AcceptedAt = &now
			upd = upd.Set(expression.Name("version"), expression.Value(cl.Version)).
				Set(expression.Name("acceptedAt"), expression.Value(now))
		} else {
			mine.WithdrawnAt = &now
			upd = upd.Set(expression.Name("withdrawnAt"), expression.Value(now)).
				Set(expression.Name("version"), expression.IfNotExists(expression.Name("version"), expression.Value(cl.Version)))
		}
		tx.Update(store.ConsentKey(acc.AccountID, cl.ID), upd, nil, nil)

		status, reason := acc.Status, acc.BlockReason
		// Every answer counts the head's account version up, on the version
		// read: two answers at once cannot both decide on the same state.
		headUpd := expression.Set(expression.Name("status"), expression.Value(acc.Status))
		switch {
		case !*b.Accepted && cl.Mandatory:
			if err := blockHousehold(ctx, t, tx, acc, now); err != nil {
				return nil, err
			}
			status, reason = account.Blocked, account.ReasonConsentWithdrawn
			headUpd = statusUpdate(status)
		case *b.Accepted && acc.Status == account.Blocked && acc.BlockReason == account.ReasonConsentWithdrawn:
			answers, err := ofAccount(ctx, t, acc.AccountID)
			if err != nil {
				return nil, err
			}
			answers[cl.ID] = mine
			if stillWithdrawn(clauses, answers) {
				break
			}
			if err := unblockHousehold(ctx, t, tx, acc, now); err != nil {
				return nil, err
			}
			status, reason = account.Active, ""
			headUpd = statusUpdate(status)
		}
		tx.Change(acc.Key, acc.Version, headUpd, nil, account.ErrChanged)
		if tx.Len() > maxTxItems {
			// The household's limit (household.MaxMembers) keeps a cascade
			// within one transaction; past it nothing is changed.
			return nil, errors.New("consent: the household's change exceeds one transaction")
		}
		out := Answer{View: ToView(*cl, mine), AccountStatus: status}
		if reason != "" && status == account.Blocked {
			out.BlockReason = &reason
		}
		return httpapi.JSON(200, out).With(tx), nil
	}
}

// stillWithdrawn reports whether a mandatory clause is withdrawn (answered
// and not accepted): the block stays until every one is accepted again.
func stillWithdrawn(clauses []dictionary.Clause, answers map[string]*Consent) bool {
	for _, cl := range clauses {
		if a := answers[cl.ID]; cl.Mandatory && a != nil && !a.Accepted {
			return true
		}
	}
	return false
}

// gdprWithdrawal answers the withdrawal of the GDPR clause (R7.2): without
// the confirmation 409 confirmation_required, nothing changed; with it, the
// household's erasure begins (204): from the commit nobody of it logs in.
func gdprWithdrawal(ctx context.Context, d *platform.Deps, r *httpapi.Request, _ *dictionary.Clause, confirm *string) (*httpapi.Response, error) {
	if confirm == nil || *confirm != ConfirmGDPR {
		return nil, apierr.New(ConfirmationRequired,
			"Withdrawing the GDPR consent erases your account and your family's; confirm with \"confirm\": \"%s\".", ConfirmGDPR)
	}
	tx := &store.Tx{}
	if err := erasure.StartFor(ctx, d, tx, r.Account); err != nil {
		return nil, err
	}
	return httpapi.NoContent().With(tx), nil
}

// household reads the household's profiles and each profile's cards: one
// Query for the profiles, then one per profile, at once.
func household(ctx context.Context, t *store.Table, acc *account.Account) ([]profile.Profile, [][]card.Card, error) {
	ps, err := profile.Household(ctx, t, acc)
	if err != nil {
		return nil, nil, err
	}
	cards := make([][]card.Card, len(ps))
	fs := make([]func() error, len(ps))
	for i := range ps {
		fs[i] = func() (err error) { cards[i], err = card.OfProfile(ctx, t, ps[i].ProfileID); return }
	}
	return ps, cards, all(fs...)
}

// all runs reads at once and returns the first error.
func all(fs ...func() error) error {
	errs := make([]error, len(fs))
	var wg sync.WaitGroup
	for i, f := range fs {
		wg.Go(func() { errs[i] = f() })
	}
	wg.Wait()
	return errors.Join(errs...)
}

var errHouseholdChanged = apierr.New(apierr.Conflict, "The household changed at the same time; try again.")

// blockHousehold adds to tx the block of the head's account, every member's
// account and every live card of the household (R7.3), and marks every
// profile blocked, so a card issued while the block lasts is issued blocked.
// Cards blocked already (lost, stolen) keep their own reason.
func blockHousehold(ctx context.Context, t *store.Table, tx *store.Tx, head *account.Account, now time.Time) error {
	ps, cards, err := household(ctx, t, head)
	if err != nil {
		return err
	}
	for _, p := range ps {
		profile.MarkBlocked(tx, p.ProfileID, card.ReasonConsentWithdrawn)
		if p.AccountID == "" || p.AccountID == head.AccountID {
			continue
		}
		setStatus(tx, p.AccountID, account.Blocked)
	}
	for _, cs := range cards {
		for i := range cs {
			if cs[i].Live() {
				if err := card.BlockIn(tx, &cs[i], card.ReasonConsentWithdrawn, "resident", now); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// unblockHousehold lifts what blockHousehold did, and only that.
func unblockHousehold(ctx context.Context, t *store.Table, tx *store.Tx, head *account.Account, now time.Time) error {
	ps, cards, err := household(ctx, t, head)
	if err != nil {
		return err
	}
	for _, p := range ps {
		profile.MarkBlocked(tx, p.ProfileID, "")
		if p.AccountID == "" || p.AccountID == head.AccountID {
			continue
		}
		setStatus(tx, p.AccountID, account.Active)
	}
	for _, cs := range cards {
		for i := range cs {
			if cs[i].Status == card.Blocked && cs[i].BlockReason == card.ReasonConsentWithdrawn {
				card.UnblockIn(tx, &cs[i], "resident", "consent accepted again", now)
			}
		}
	}
	return nil
}

// setStatus moves an account of the household between active and blocked for
// a withdrawn consent; an account in any other state (pending, blocked for
// another reason, erased) fails the transaction.
func setStatus(tx *store.Tx, accountID, status string) {
	tx.Update(store.AccountKey(accountID), statusUpdate(status).Add(expression.Name("version"), expression.Value(1)),
		store.Cond(expression.Name("status").Equal(expression.Value(account.Active)).
			Or(expression.Name("status").Equal(expression.Value(account.Blocked)).
				And(expression.Name("blockReason").Equal(expression.Value(account.ReasonConsentWithdrawn))))),
		errHouseholdChanged)
}

// statusUpdate sets an account active or blocked for a withdrawn consent.
func statusUpdate(status string) expression.UpdateBuilder {
	upd := expression.Set(expression.Name("status"), expression.Value(status))
	if status == account.Blocked {
		return upd.Set(expression.Name("blockReason"), expression.Value(account.ReasonConsentWithdrawn))
	}
	return upd.Remove(expression.Name("blockReason"))
}
