package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/oklog/ulid/v2"

	"github.com/kartamieszkanca/platform/shared/account"
	"github.com/kartamieszkanca/platform/shared/citytime"
	"github.com/kartamieszkanca/platform/shared/entitlement"
	"github.com/kartamieszkanca/platform/shared/linktoken"
	"github.com/kartamieszkanca/platform/shared/outbox"
	"github.com/kartamieszkanca/platform/shared/platform"
	"github.com/kartamieszkanca/platform/shared/profile"
	"github.com/kartamieszkanca/platform/shared/routes"
	"github.com/kartamieszkanca/platform/shared/schedule"
	"github.com/kartamieszkanca/platform/shared/store"
)

// seedCaller stores an active account for the sub of the event's claims, so an
// authenticated route gets past the adapter's account check.
func seedCaller(ctx context.Context, d *platform.Deps, r routes.Route, ev events.APIGatewayV2HTTPRequest) error {
	if r.Access == routes.Public {
		return nil
	}
	a := ev.RequestContext.Authorizer
	if a == nil || a.JWT == nil || a.JWT.Claims["sub"] == "" {
		note("the event has no JWT claims: the route answers 401, as the authorizer would have")
		return nil
	}
	claims := a.JWT.Claims
	sub := claims["sub"]
	email := claims["email"]
	if email == "" {
		email = "resident-" + sub + "@example.com"
	}
	groups := strings.FieldsFunc(strings.Trim(claims["cognito:groups"], "[]"), func(r rune) bool { return r == ' ' || r == ',' })
	staff := slices.ContainsFunc(groups, func(g string) bool {
		return g == routes.GroupOperators || g == routes.GroupPartners || g == routes.GroupInspectors
	})
	now := d.Now().UTC()
	acc := &account.Account{Key: store.AccountKey(sub), AccountID: sub, Email: store.NormalizeEmail(email),
		Status: account.Active, CreatedAt: now, Staff: staff, Version: 1}
	if !staff {
		id := ulid.Make().String()
		acc.ProfileID, acc.HouseholdID, acc.Head, acc.FirstName = id, id, true, "Anna"
		if err := store.Of(d).Put(ctx, &profile.Profile{Key: store.ProfileKey(id, id), ProfileID: id, HouseholdID: id,
			AccountID: sub, FirstName: "Anna", LastName: "Nowak", BirthDate: "1990-04-12", Status: account.Active,
			Head: true, CreatedAt: now, Version: 1}); err != nil {
			return err
		}
	}
	if err := store.Of(d).Put(ctx, &account.EmailClaim{Key: store.EmailKey(acc.Email), AccountID: sub, State: account.ClaimAccount}); err != nil {
		return err
	}
	if err := store.Of(d).Put(ctx, acc); err != nil {
		return err
	}
	if staff {
		note("seeded staff account %s (%s)", sub, strings.Join(groups, ", "))
	} else {
		note("seeded resident account %s with profile %s", sub, acc.ProfileID)
	}
	return nil
}

// templates maps outbox id prefixes (as the handlers make them) to templates.
var templates = map[string]string{
	"activation":    outbox.Activation,
	"exists":        outbox.AccountExists,
	"reset":         outbox.PasswordReset,
	"changed":       outbox.PasswordChanged,
	"app-submitted": outbox.AppSubmitted,
	"app-decided":   outbox.AppAccepted,
	"card-ready":    outbox.CardReady,
	"case-msg":      outbox.CaseMessage,
}

// seedOutbox stores the pending mail each inserted outbox record names.
func seedOutbox(ctx context.Context, d *platform.Deps, ev events.DynamoDBEvent) error {
	for _, rec := range ev.Records {
		pk, sk := rec.Change.Keys["PK"], rec.Change.Keys["SK"]
		if rec.EventName != "INSERT" || pk.DataType() != events.DataTypeString || !strings.HasPrefix(pk.String(), store.OutboxPrefix) {
			continue
		}
		id := strings.TrimPrefix(pk.String(), store.OutboxPrefix)
		if sk.DataType() != events.DataTypeString || store.OutboxKey(id).SK != sk.String() {
			note("record %s: SK is not an outbox item's; not seeded", rec.EventID)
			continue
		}
		prefix, _, _ := strings.Cut(id, "#")
		tmpl, ok := templates[prefix]
		if !ok {
			tmpl = outbox.Activation
		}
		link := d.Config.PortalURL
		token, _ := linktoken.New()
		switch tmpl {
		case outbox.Activation:
			link += "/activate?token=" + token
		case outbox.PasswordReset:
			link += "/reset-password?token=" + token
		}
		// Every template's fields: a template takes the ones it names.
		data := map[string]string{"firstName": "Anna", "link": link,
			"typeName": "Wydanie Karty Mieszkańca", "applicationId": "01JBENCH0000000000000000", "comment": "",
			"number": "000000000000", "pickupPoint": "Urząd Miasta — Biuro Obsługi Mieszkańców, Rynek 1"}
		tx := &store.Tx{}
		outbox.Enqueue(tx, d.Now(), id, tmpl, "resident@example.com", data, nil)
		if err := store.Of(d).Commit(ctx, tx); err != nil {
			return fmt.Errorf("seed outbox item %s: %w", id, err)
		}
		note("seeded outbox item %s (%s mail to resident@example.com)", id, tmpl)
	}
	return nil
}

// reportMail lists what the SES emulator received.
func reportMail(ctx context.Context) {
	ses := os.Getenv("LOCAL_SES_URL")
	if ses == "" {
		return
	}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, ses+"/store", nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return
	}
	defer res.Body.Close()
	var store struct {
		Emails []struct {
			Subject     string `json:"subject"`
			Destination struct {
				To []string `json:"to"`
			} `json:"destination"`
		} `json:"emails"`
	}
	if json.NewDecoder(res.Body).Decode(&store) != nil {
		return
	}
	for _, m := range store.Emails {
		note("sent to %s: %q", strings.Join(m.Destination.To, ", "), m.Subject)
	}
}

// seedDue gives a scheduled job's run something to do: for the
// entitlements-expiry job, a resident's entitlement whose 30-day reminder is
// due on the event's day (its outbox mail is the run's output).
func seedDue(ctx context.Context, d *platform.Deps, raw []byte) error {
	var ev schedule.Event
	if err := json.Unmarshal(raw, &ev); err != nil {
		return fmt.Errorf("the event is not a job's {\"now\": …}: %w", err)
	}
	now := d.Now()
	if ev.Now != nil {
		now = *ev.Now
	}
	pkgs, err := entitlement.Packages(ctx, store.Of(d))
	if err != nil {
		return err
	}
	p, ok := pkgs.Find("transport")
	if !ok {
		return errors.New("the seeded dictionaries lack the transport package")
	}
	last := citytime.Day(now).AddDate(0, 0, 30)
	granted := citytime.Start(last.AddDate(0, -p.ValidityMonths, 1)).Add(12 * time.Hour)
	tx := &store.Tx{}
	profileID := ulid.Make().String()
	entitlement.Renew(tx, nil, p, entitlement.Grant{ProfileID: profileID, HouseholdID: profileID,
		NotifyEmail: "resident@example.com", HolderName: "Anna", ApplicationID: "invoke", Now: granted})
	if err := store.Of(d).Commit(ctx, tx); err != nil {
		return err
	}
	note("seeded: the %s entitlement of resident@example.com, last day %s (its 30-day reminder is due)", p.ID, last.Format(time.DateOnly))
	return nil
}
