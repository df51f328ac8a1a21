package audit

import (
	"context"
	"regexp"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/kartamieszkanca/platform/shared/apierr"
	"github.com/kartamieszkanca/platform/shared/citytime"
	"github.com/kartamieszkanca/platform/shared/httpapi"
	"github.com/kartamieszkanca/platform/shared/platform"
	"github.com/kartamieszkanca/platform/shared/store"
)

// ItemView is an entry as GET /operator/audit shows it.
type ItemView struct {
	AuditID    string            `json:"auditId"`
	At         time.Time         `json:"at"`
	Kind       string            `json:"kind"`
	Action     string            `json:"action"`
	ActorID    string            `json:"actorId"`
	ActorEmail string            `json:"actorEmail"`
	ProfileID  *string           `json:"profileId"`
	Target     *string           `json:"target"`
	Detail     map[string]string `json:"detail"`
}

func toView(e *Entry) ItemView {
	v := ItemView{AuditID: e.AuditID, At: e.At, Kind: e.Kind, Action: e.Action, ActorID: e.ActorID,
		ActorEmail: e.ActorEmail, Detail: e.Detail}
	if e.ProfileID != "" {
		v.ProfileID = &e.ProfileID
	}
	if e.Target != "" {
		v.Target = &e.Target
	}
	if v.Detail == nil {
		v.Detail = map[string]string{}
	}
	return v
}

// actorShape: a Cognito sub (a UUID) or any id of that alphabet.
var actorShape = regexp.MustCompile(`^[A-Za-z0-9-]{1,64}$`)

// defaultSpan is how far back a list without profile, actor and from walks:
// the city-wide trail is one partition per month, read newest first.
const defaultSpan = 365 * 24 * time.Hour

// span reads ?from= and ?to=: city days (inclusive) or RFC 3339 instants.
func span(r *httpapi.Request, now time.Time) (from, to time.Time, err error) {
	var c httpapi.Checks
	parse := func(name string, end bool) time.Time {
		v := r.Query[name]
		if v == "" {
			return time.Time{}
		}
		if d, err := citytime.ParseDay(v); err == nil {
			if end {
				d = d.AddDate(0, 0, 1)
			}
			return citytime.Start(d)
		}
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			c.Fail(name, "invalid_date")
		}
		return t
	}
	from, to = parse("from", false), parse("to", true)
	if to.IsZero() {
		to = now.Add(time.Second)
	}
	if !from.IsZero() && !from.Before(to) {
		c.Fail("to", "before_from")
	}
	return from.UTC(), to.UTC(), c.Err()
}

// List serves GET /operator/audit?profileId=&actor=&from=&to=&cursor= (R15.9):
// newest first. With a profile, its GSI1 partition; with an actor only, its
// GSI2 partition; with neither, the month partitions from to back to from
// (a year by default), one month per page at most. Never a scan.
func List(d *platform.Deps) httpapi.Handler {
	return func(ctx context.Context, r *httpapi.Request) (*httpapi.Response, error) {
		profileID, actor := r.Query["profileId"], r.Query["actor"]
		var c httpapi.Checks
		if profileID != "" && !store.IsID(profileID) {
			c.Fail("profileId", "invalid")
		}
		if actor != "" && !actorShape.MatchString(actor) {
			c.Fail("actor", "invalid")
		}
		if err := c.Err(); err != nil {
			return nil, err
		}
		from, to, err := span(r, d.Now())
		if err != nil {
			return nil, err
		}
		lo, hi := from.Format(timeKey), to.Format(timeKey)
		var q store.QueryInput
		var pkAttr, pk string
		switch {
		case profileID != "":
			pkAttr, pk = "GSI1PK", store.AuditProfilePK(profileID)
			q = store.QueryInput{Index: store.GSI1, KeyCond: expression.Key("GSI1PK").Equal(expression.Value(pk)).
				And(expression.Key("GSI1SK").Between(expression.Value(lo), expression.Value(hi)))}
			if actor != "" {
				q.Filter = store.Cond(expression.Name("actorId").Equal(expression.Value(actor)))
			}
		case actor != "":
			pkAttr, pk = "GSI2PK", store.AuditActorPK(actor)
			q = store.QueryInput{Index: store.GSI2, KeyCond: expression.Key("GSI2PK").Equal(expression.Value(pk)).
				And(expression.Key("GSI2SK").Between(expression.Value(lo), expression.Value(hi)))}
		default:
			return monthPage(ctx, d, r, from, to)
		}
		page, err := httpapi.PageOf(r, pkAttr, pk, false)
		if err != nil {
			return nil, err
		}
		q.Limit, q.Forward, q.StartKey = page.Limit, page.Ascending, page.Start
		return answer(ctx, d, q)
	}
}

func answer(ctx context.Context, d *platform.Deps, q store.QueryInput) (*httpapi.Response, error) {
	var es []Entry
	next, err := store.Of(d).Query(ctx, q, &es)
	if err != nil {
		return nil, err
	}
	return httpapi.JSON(200, list(es, store.EncodeCursor(next))), nil
}

func list(es []Entry, next *string) httpapi.List[ItemView] {
	items := make([]ItemView, 0, len(es))
	for i := range es {
		items = append(items, toView(&es[i]))
	}
	return httpapi.List[ItemView]{Items: items, NextCursor: next}
}

// monthPage reads one page of the city-wide trail, newest first. The cursor
// names the month partition and, within it, where the last page stopped; at
// a month's end it names the previous month alone.
func monthPage(ctx context.Context, d *platform.Deps, r *httpapi.Request, from, to time.Time) (*httpapi.Response, error) {
	if from.IsZero() {
		from = to.Add(-defaultSpan)
	}
	month := to.Add(-time.Microsecond).Format("2006-01")
	var start map[string]types.AttributeValue
	if cur := r.Query["cursor"]; cur != "" {
		k, err := store.DecodeCursor(cur)
		pk, ok := k["PK"].(*types.AttributeValueMemberS)
		if err != nil || !ok || len(pk.Value) != len("AUDIT#2006-01") || pk.Value[:6] != "AUDIT#" {
			return nil, apierr.New(httpapi.InvalidCursor, "The cursor is not one this list gave out.")
		}
		month = pk.Value[6:]
		if _, ok := k["SK"]; ok {
			start = k
		}
	}
	// The cursor is this list's own; the rest of the paging is as anywhere.
	rest := *r
	rest.Query = map[string]string{"limit": r.Query["limit"]}
	page, err := httpapi.PageOf(&rest, "PK", store.AuditPK(month), false)
	if err != nil {
		return nil, err
	}
	var es []Entry
	next, err := store.Of(d).Query(ctx, store.QueryInput{
		KeyCond: expression.Key("PK").Equal(expression.Value(store.AuditPK(month))).
			And(expression.Key("SK").Between(expression.Value(from.Format(timeKey)), expression.Value(to.Format(timeKey)))),
		Limit: page.Limit, StartKey: start, Consistent: true,
	}, &es)
	if err != nil {
		return nil, err
	}
	cursor := store.EncodeCursor(next)
	if cursor == nil {
		m, _ := time.Parse("2006-01", month)
		if prev := m.AddDate(0, -1, 0); m.After(from) {
			cursor = store.EncodeCursor(map[string]types.AttributeValue{"PK": &types.AttributeValueMemberS{Value: store.AuditPK(prev.Format("2006-01"))}})
		}
	}
	return httpapi.JSON(200, list(es, cursor)), nil
}
