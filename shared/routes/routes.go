// Package routes is the platform's one route table: every HTTP endpoint with its
// function, the role that may call it and the AWS resources it needs. The CDK app,
// the local gateway, the OpenAPI check and the authorization tests all read it, so
// adding an endpoint starts with a row here.
//
// The package imports nothing outside the standard library on purpose: the CDK
// module depends on it and must not pull the runtime's SDKs.
package routes

import (
	"sort"
	"strings"
	"time"
)

// Access says who may call a route.
type Access string

const (
	// Public routes need no token.
	Public Access = "public"
	// Account routes take any logged-in account: residents, family members, staff.
	Account Access = "account"
	// Resident routes take residents and family members (no staff group).
	Resident Access = "resident"
	// Operators, Partners and Verifiers are the staff groups in Cognito.
	Operators Access = "operators"
	Partners  Access = "partners"
	// Verifiers are partners and inspectors: both check cards.
	Verifiers Access = "verifiers"
)

// Cognito group names.
const (
	GroupOperators  = "operators"
	GroupPartners   = "partners"
	GroupInspectors = "inspectors"
)

// Groups returns the Cognito groups an Access admits; nil means "no staff group"
// for Resident and "anyone" for Public and Account.
func (a Access) Groups() []string {
	switch a {
	case Operators:
		return []string{GroupOperators}
	case Partners:
		return []string{GroupPartners}
	case Verifiers:
		return []string{GroupPartners, GroupInspectors}
	}
	return nil
}

// Admits reports whether a caller in the given Cognito groups may call a route of
// this Access. Authentication itself is checked before (Public needs none).
func (a Access) Admits(groups []string) bool {
	switch a {
	case Public, Account:
		return true
	case Resident:
		for _, g := range groups {
			if g == GroupOperators || g == GroupPartners || g == GroupInspectors {
				return false
			}
		}
		return true
	}
	for _, want := range a.Groups() {
		for _, g := range groups {
			if g == want {
				return true
			}
		}
	}
	return false
}

// TableAccess is what a function may do with the table.
type TableAccess string

const (
	NoTable   TableAccess = ""
	ReadTable TableAccess = "read"
	// WriteTable includes reading.
	WriteTable TableAccess = "write"
)

// Needs lists the resources a function uses, for least-privilege grants.
type Needs struct {
	Table TableAccess
	// Identity: the Cognito admin or auth API.
	Identity bool
	// FilesRead / FilesWrite: the uploads bucket (presigned GET / POST, head and read).
	FilesRead  bool
	FilesWrite bool
	// Mail: SES send (only the mail sender; everyone else writes outbox items).
	Mail bool
	// Signing: the QR signing key.
	Signing bool
}

// Route is one HTTP endpoint served by one Lambda function.
type Route struct {
	Method   string
	Path     string // API Gateway syntax: /profiles/{profileId}
	Function string // folder under functions/, also the Lambda's logical name
	Access   Access
	Needs    Needs
	// Idempotent routes honour the Idempotency-Key header.
	Idempotent bool
	// Members: a family member's own login may call the route (on a profile
	// route, on its own profile only). Every other route is the household
	// head's: a member gets 403 household_head_only (404 on another profile's
	// path). The request adapter checks it, in one place (R10.4).
	Members bool
	// WhileBlocked: an account blocked for a withdrawn consent still reaches
	// the route (R7.3); every other route answers it 403 account_blocked.
	WhileBlocked bool
	Summary      string
	// Limits are the route's abuse limits (API.md "Limits and rate limits"),
	// counted in the table by the request adapter.
	Limits []Limit
	// Throttle is API Gateway's throttling of the route; nil: the stage's.
	Throttle *Throttle
}

// LimitBy is what an abuse limit counts per.
type LimitBy string

const (
	// BySourceIP: the gateway's source address, never a client's header.
	BySourceIP LimitBy = "ip"
	// ByEmail: the body's "email", normalized; the same for an e-mail with an
	// account and one without, so no limit tells them apart.
	ByEmail LimitBy = "email"
	// ByOrganization: the calling partner's or inspector's organization.
	ByOrganization LimitBy = "org"
)

// Limit allows Max requests per subject within Window, which starts at the
// subject's first counted request; then 429 rate_limited until it ends.
type Limit struct {
	By     LimitBy
	Max    int
	Window time.Duration
	// Failures: only refused requests (4xx answers) count, but every request
	// is checked, so a right password is refused too while the limit holds.
	Failures bool
	// Before: the counter is taken with the handler's deciding write
	// (httpapi.Request.CommitCounted), before the handler acts outside the
	// table (registration creates the Cognito identity), at no round trip of
	// its own; otherwise it rides in the change's own transaction. Either
	// way a request is counted once.
	Before bool
}

// Throttle is a route's steady rate (requests per second) and burst.
type Throttle struct {
	Rate  float64
	Burst int
}

// The limits of the routes; a new route of the same kind takes the same line
// (e.g. invitation accept: Limits: routes.LinkLimits, Throttle: routes.AnonymousThrottle).
var (
	// LoginLimits: 5 failures per e-mail within 15 minutes.
	LoginLimits = []Limit{{By: ByEmail, Max: 5, Window: 15 * time.Minute, Failures: true}, {By: BySourceIP, Max: 100, Window: 15 * time.Minute, Failures: true}}
	// MailLimits: routes that mail an address given by anyone (register,
	// resend, forgot-password).
	MailLimits = []Limit{{By: BySourceIP, Max: 20, Window: time.Hour}, {By: ByEmail, Max: 5, Window: time.Hour}}
	// RegisterLimits are taken before Cognito is touched; per e-mail they
	// allow a few more, as a registrant's retries (and a double click) count.
	RegisterLimits = []Limit{{By: BySourceIP, Max: 20, Window: time.Hour, Before: true}, {By: ByEmail, Max: 10, Window: time.Hour, Before: true}}
	// LinkLimits: routes that take a mailed link's token (activate, invitation
	// accept): guessing tokens is bounded per source.
	LinkLimits = []Limit{{By: BySourceIP, Max: 30, Window: time.Hour}}
	// CheckLimits: card checks and benefits per organization.
	CheckLimits = []Limit{{By: ByOrganization, Max: 600, Window: time.Minute}}

	// AnonymousThrottle is API Gateway's throttle of the public routes that
	// act on an e-mail or a link; CheckThrottle the verifiers' routes.
	AnonymousThrottle = &Throttle{Rate: 10, Burst: 20}
	CheckThrottle     = &Throttle{Rate: 50, Burst: 100}
)

// Key is "METHOD /path", the API Gateway route key.
func (r Route) Key() string { return r.Method + " " + r.Path }

// Everything is what a process serving every function needs (the local stack).
var Everything = Needs{Table: WriteTable, Identity: true, FilesRead: true, FilesWrite: true, Mail: true, Signing: true}

var (
	rd   = Needs{Table: ReadTable}
	rw   = Needs{Table: WriteTable}
	rwID = Needs{Table: WriteTable, Identity: true}
	// filesRW: a change that checks uploads (reads) and links to them.
	filesRW = Needs{Table: WriteTable, FilesRead: true}
)

// All is the route table.
var All = []Route{
	{Method: "GET", Path: "/health", Function: "health", Access: Public, Summary: "Liveness"},
	{Method: "GET", Path: "/consents/clauses", Function: "list-consent-clauses", Access: Public, Needs: rd, Summary: "Current consent clauses for the registration form"},
	{Method: "GET", Path: "/dictionaries/{kind}", Function: "get-dictionary", Access: Public, Needs: rd, Summary: "A public dictionary"},

	{Method: "POST", Path: "/auth/register", Function: "register", Access: Public, Needs: rwID, Idempotent: true, Summary: "Register a resident account", Limits: RegisterLimits, Throttle: AnonymousThrottle},
	{Method: "POST", Path: "/auth/activate", Function: "activate", Access: Public, Needs: rwID, Summary: "Activate an account with the mailed token", Limits: LinkLimits, Throttle: AnonymousThrottle},
	{Method: "POST", Path: "/auth/activation/resend", Function: "resend-activation", Access: Public, Needs: rw, Summary: "Send the activation mail again", Limits: MailLimits, Throttle: AnonymousThrottle},
	{Method: "POST", Path: "/auth/login", Function: "login", Access: Public, Needs: rwID, Summary: "Log in with e-mail and password", Limits: LoginLimits, Throttle: AnonymousThrottle},
	{Method: "POST", Path: "/auth/refresh", Function: "refresh", Access: Public, Needs: rwID, Summary: "New tokens for a refresh token"},
	{Method: "POST", Path: "/auth/logout", Function: "logout", Access: Account, Needs: rwID, Members: true, WhileBlocked: true, Summary: "Revoke the refresh token"},
	{Method: "POST", Path: "/auth/password/forgot", Function: "forgot-password", Access: Public, Needs: rw, Summary: "Mail a password reset link", Limits: MailLimits, Throttle: AnonymousThrottle},
	{Method: "POST", Path: "/auth/password/reset", Function: "reset-password", Access: Public, Needs: rwID, Summary: "Set a new password with the mailed token", Throttle: AnonymousThrottle},
	{Method: "POST", Path: "/auth/invitation/accept", Function: "accept-invitation", Access: Public, Needs: rwID, Summary: "A family member sets the first password with the mailed invitation", Limits: LinkLimits, Throttle: AnonymousThrottle},

	{Method: "GET", Path: "/account", Function: "get-account", Access: Account, Needs: rd, Members: true, WhileBlocked: true, Summary: "The caller's account"},
	{Method: "PUT", Path: "/account/phone", Function: "put-account-phone", Access: Account, Needs: rw, Members: true, Summary: "Add or change the phone number"},
	{Method: "DELETE", Path: "/account/phone", Function: "delete-account-phone", Access: Account, Needs: rw, Members: true, Summary: "Remove the phone number"},
	{Method: "POST", Path: "/account/password", Function: "change-password", Access: Account, Needs: rwID, Members: true, Summary: "Change the password"},
	{Method: "DELETE", Path: "/account", Function: "delete-account", Access: Resident, Needs: rwID, Members: true, WhileBlocked: true, Summary: "Delete the account: a head's household, a member itself, erased"},
	{Method: "GET", Path: "/account/export", Function: "export-account", Access: Resident, Needs: rd, Members: true, WhileBlocked: true, Summary: "Everything held about the caller's profiles, as one JSON document"},

	{Method: "GET", Path: "/account/consents", Function: "list-account-consents", Access: Resident, Needs: rd, WhileBlocked: true, Summary: "The household head's consents, clause by clause"},
	{Method: "PUT", Path: "/account/consents/{clauseId}", Function: "put-account-consent", Access: Resident, Needs: rw, WhileBlocked: true, Summary: "Accept or withdraw a consent"},

	{Method: "GET", Path: "/profiles", Function: "list-profiles", Access: Resident, Needs: rd, Members: true, Summary: "Profiles the caller may switch to"},
	{Method: "GET", Path: "/profiles/{profileId}", Function: "get-profile", Access: Resident, Needs: rd, Members: true, Summary: "One profile"},

	{Method: "POST", Path: "/family", Function: "add-family-member", Access: Resident, Needs: rw, Idempotent: true, Summary: "Add a family member (an adult is invited by mail)"},
	{Method: "PUT", Path: "/family/{profileId}", Function: "edit-family-member", Access: Resident, Needs: rw, Summary: "Edit a family member"},
	{Method: "DELETE", Path: "/family/{profileId}", Function: "delete-family-member", Access: Resident, Needs: rw, Summary: "Remove a family member: its account, cards and data are erased"},
	{Method: "POST", Path: "/family/{profileId}/invitation", Function: "resend-family-invitation", Access: Resident, Needs: rw, Summary: "Send a pending member's invitation again"},

	{Method: "POST", Path: "/profiles/{profileId}/uploads", Function: "create-upload", Access: Resident, Needs: Needs{Table: WriteTable, FilesWrite: true}, Idempotent: true, Summary: "Start a file upload (presigned POST)"},

	{Method: "GET", Path: "/profiles/{profileId}/applications/available", Function: "list-available-applications", Access: Resident, Needs: rd, Summary: "Which application types the profile may file"},
	{Method: "POST", Path: "/profiles/{profileId}/applications", Function: "create-application", Access: Resident, Needs: rw, Idempotent: true, Summary: "Create a draft application"},
	{Method: "GET", Path: "/profiles/{profileId}/applications", Function: "list-applications", Access: Resident, Needs: rd, Summary: "The profile's applications and drafts"},
	{Method: "GET", Path: "/profiles/{profileId}/applications/{applicationId}", Function: "get-application", Access: Resident, Needs: rd, Summary: "One application with its history"},
	{Method: "PUT", Path: "/profiles/{profileId}/applications/{applicationId}", Function: "update-application", Access: Resident, Needs: rw, Summary: "Replace a draft's data"},
	{Method: "POST", Path: "/profiles/{profileId}/applications/{applicationId}/submit", Function: "submit-application", Access: Resident, Needs: Needs{Table: WriteTable, FilesRead: true}, Summary: "Submit a draft for review"},
	{Method: "DELETE", Path: "/profiles/{profileId}/applications/{applicationId}", Function: "delete-application", Access: Resident, Needs: rw, Summary: "Delete a draft or cancel a submitted application"},

	{Method: "GET", Path: "/profiles/{profileId}/cards", Function: "list-cards", Access: Resident, Needs: Needs{Table: ReadTable, FilesRead: true}, Members: true, Summary: "The profile's cards"},
	{Method: "GET", Path: "/profiles/{profileId}/cards/{cardId}/qr", Function: "get-card-qr", Access: Resident, Needs: Needs{Table: ReadTable, Signing: true}, Members: true, Summary: "A short-lived signed token for the virtual card's QR code"},
	{Method: "GET", Path: "/cards/qr-keys", Function: "get-qr-keys", Access: Public, Needs: Needs{Signing: true}, Summary: "The public keys of QR tokens (JWKS)"},
	{Method: "POST", Path: "/profiles/{profileId}/cards/{cardId}/block", Function: "block-card", Access: Resident, Needs: rw, Members: true, Summary: "Block a lost or stolen card"},
	{Method: "GET", Path: "/profiles/{profileId}/packages", Function: "list-packages", Access: Resident, Needs: rd, Members: true, Summary: "The profile's packages (entitlements)"},
	{Method: "GET", Path: "/profiles/{profileId}/identifiers", Function: "list-identifiers", Access: Resident, Needs: rd, Members: true, Summary: "The profile's other identifiers"},
	{Method: "POST", Path: "/profiles/{profileId}/identifiers", Function: "create-identifier", Access: Resident, Needs: rw, Idempotent: true, Summary: "Add an identifier"},
	{Method: "DELETE", Path: "/profiles/{profileId}/identifiers/{identifierId}", Function: "delete-identifier", Access: Resident, Needs: rw, Summary: "Remove an identifier"},
	{Method: "GET", Path: "/profiles/{profileId}/cards/{cardId}/checks", Function: "list-card-checks", Access: Resident, Needs: rd, Members: true, Summary: "Who checked the card, when, and the result"},
	{Method: "GET", Path: "/profiles/{profileId}/cards/{cardId}/validity", Function: "get-card-validity", Access: Resident, Needs: Needs{Table: ReadTable, Signing: true}, Members: true, Summary: "A signed statement of the card's validity at a past instant"},
	{Method: "GET", Path: "/cards/revocations", Function: "list-card-revocations", Access: Verifiers, Needs: rd, Summary: "Cards blocked, cancelled or unblocked since an instant (offline verifiers)"},

	{Method: "POST", Path: "/verify", Function: "verify-card", Access: Verifiers, Needs: Needs{Table: WriteTable, FilesRead: true, Signing: true}, Summary: "Check a card by number or QR token", Limits: CheckLimits, Throttle: CheckThrottle},
	{Method: "POST", Path: "/partner/benefits", Function: "record-benefit", Access: Partners, Needs: Needs{Table: WriteTable, Signing: true}, Idempotent: true, Summary: "Record the use of a benefit", Limits: CheckLimits, Throttle: CheckThrottle},
	{Method: "GET", Path: "/partner/benefits", Function: "list-partner-benefits", Access: Partners, Needs: rd, Summary: "The benefits the partner's organization recorded"},
	{Method: "GET", Path: "/profiles/{profileId}/benefits", Function: "list-benefits", Access: Resident, Needs: rd, Members: true, Summary: "The benefits the profile used"},

	{Method: "GET", Path: "/operator/applications", Function: "list-review-queue", Access: Operators, Needs: rd, Summary: "The review queue, oldest first"},
	{Method: "GET", Path: "/operator/applications/{applicationId}", Function: "get-review-application", Access: Operators, Needs: Needs{Table: WriteTable, FilesRead: true}, Summary: "An application with the resident's data and files"},
	{Method: "POST", Path: "/operator/applications/{applicationId}/review", Function: "start-review", Access: Operators, Needs: rw, Summary: "Take an application into review"},
	{Method: "POST", Path: "/operator/applications/{applicationId}/decision", Function: "decide-application", Access: Operators, Needs: Needs{Table: WriteTable, FilesRead: true}, Summary: "Accept or reject an application"},
	{Method: "POST", Path: "/operator/cards/{cardId}/status", Function: "set-card-status", Access: Operators, Needs: rw, Summary: "Move a physical card to ready for pickup or active"},
	{Method: "POST", Path: "/operator/cards/{cardId}/unblock", Function: "unblock-card", Access: Operators, Needs: rw, Summary: "Unblock a card"},

	{Method: "GET", Path: "/profiles/{profileId}/cases", Function: "list-cases", Access: Resident, Needs: rd, Summary: "The profile's cases and the city's broadcasts"},
	{Method: "GET", Path: "/profiles/{profileId}/cases/unread-count", Function: "count-unread-cases", Access: Resident, Needs: rd, Summary: "How many of the profile's own cases have unread messages"},
	{Method: "POST", Path: "/profiles/{profileId}/cases", Function: "create-case", Access: Resident, Needs: filesRW, Idempotent: true, Summary: "Open a case with the city"},
	{Method: "GET", Path: "/profiles/{profileId}/cases/{caseId}", Function: "get-case", Access: Resident, Needs: Needs{Table: WriteTable, FilesRead: true}, Summary: "A case with its newest messages; marks it read"},
	{Method: "GET", Path: "/profiles/{profileId}/cases/{caseId}/messages", Function: "list-case-messages", Access: Resident, Needs: Needs{Table: ReadTable, FilesRead: true}, Summary: "Older messages of a case"},
	{Method: "POST", Path: "/profiles/{profileId}/cases/{caseId}/messages", Function: "reply-case", Access: Resident, Needs: filesRW, Idempotent: true, Summary: "Write in a case"},
	{Method: "GET", Path: "/operator/cases", Function: "list-operator-cases", Access: Operators, Needs: rd, Summary: "The city's inbox of cases"},
	{Method: "POST", Path: "/operator/cases", Function: "create-operator-case", Access: Operators, Needs: rw, Idempotent: true, Summary: "Write to one resident or to every resident"},
	{Method: "GET", Path: "/operator/cases/{caseId}", Function: "get-operator-case", Access: Operators, Needs: Needs{Table: WriteTable, FilesRead: true}, Summary: "A case with its newest messages and attachment links"},
	{Method: "GET", Path: "/operator/cases/{caseId}/messages", Function: "list-operator-case-messages", Access: Operators, Needs: Needs{Table: WriteTable, FilesRead: true}, Summary: "Older messages of a case, for operators"},
	{Method: "POST", Path: "/operator/cases/{caseId}/messages", Function: "reply-operator-case", Access: Operators, Needs: rw, Idempotent: true, Summary: "Answer a resident's case"},
	{Method: "POST", Path: "/operator/cases/{caseId}/close", Function: "close-case", Access: Operators, Needs: rw, Summary: "Close a case"},

	{Method: "GET", Path: "/operator/dictionaries/{kind}", Function: "list-dictionary-entries", Access: Operators, Needs: rd, Summary: "A dictionary's entries, retired ones too"},
	{Method: "POST", Path: "/operator/dictionaries/{kind}", Function: "create-dictionary-entry", Access: Operators, Needs: rw, Summary: "Add a dictionary entry"},
	{Method: "GET", Path: "/operator/dictionaries/{kind}/{id}", Function: "get-dictionary-entry", Access: Operators, Needs: rd, Summary: "One dictionary entry"},
	{Method: "PUT", Path: "/operator/dictionaries/{kind}/{id}", Function: "update-dictionary-entry", Access: Operators, Needs: rw, Summary: "Change a dictionary entry (a clause's new text is a new version)"},
	{Method: "DELETE", Path: "/operator/dictionaries/{kind}/{id}", Function: "retire-dictionary-entry", Access: Operators, Needs: rw, Summary: "Retire a dictionary entry"},
	{Method: "GET", Path: "/operator/residents", Function: "search-residents", Access: Operators, Needs: rd, Summary: "Find residents by e-mail, card number or name"},
	{Method: "GET", Path: "/operator/residents/{profileId}", Function: "get-resident", Access: Operators, Needs: Needs{Table: WriteTable, FilesRead: true}, Summary: "A resident's record (the view is audited)"},
	{Method: "GET", Path: "/operator/audit", Function: "list-audit", Access: Operators, Needs: rd, Summary: "The audit trail of operators' actions and views"},
	{Method: "POST", Path: "/operator/staff", Function: "invite-staff", Access: Operators, Needs: rwID, Summary: "Invite an operator, partner or inspector"},
	{Method: "GET", Path: "/operator/staff", Function: "list-staff", Access: Operators, Needs: rd, Summary: "The staff accounts"},
	{Method: "DELETE", Path: "/operator/staff/{accountId}", Function: "disable-staff", Access: Operators, Needs: rw, Summary: "Disable a staff account"},
}

// Job is a function that no route calls: stream consumers and schedules.
type Job struct {
	Function string
	Needs    Needs
	// Stream is the key prefix of the items whose inserts the table's stream
	// feeds it ("" for none).
	Stream string
	// Schedule: an EventBridge Scheduler expression, in TimeZone.
	Schedule string
	TimeZone string
	Summary  string
}

// RetentionJob is the job that deletes application documents; the CDK app
// gives it the city's retention (DOCUMENT_RETENTION_DAYS).
const RetentionJob = "documents-retention"

// Jobs is the table of functions that are not routes.
var Jobs = []Job{
	{Function: "mail-sender", Needs: Needs{Table: WriteTable, Mail: true}, Stream: "OUTBOX#", Summary: "Sends outbox mail through SES"},
	{Function: "task-runner", Needs: Needs{Table: WriteTable, Identity: true, FilesRead: true, FilesWrite: true}, Stream: "TASK#", Summary: "Runs the work that follows committed changes (Cognito, S3)"},
	{Function: "entitlements-expiry", Needs: rw, Schedule: "cron(0 2 * * ? *)", TimeZone: "Europe/Warsaw", Summary: "Mails expiry reminders and notices of entitlements, daily"},
	{Function: RetentionJob, Needs: Needs{Table: WriteTable, FilesRead: true}, Schedule: "cron(30 2 * * ? *)", TimeZone: "Europe/Warsaw", Summary: "Deletes application documents the configured days after the decision, daily"},
	{Function: "coming-of-age", Needs: rw, Schedule: "cron(0 8 * * ? *)", TimeZone: "Europe/Warsaw", Summary: "Mails the head when a child without an e-mail turns 18, daily"},
}

// Functions lists every function name, routes and jobs, sorted.
func Functions() []string {
	var names []string
	for _, r := range All {
		names = append(names, r.Function)
	}
	for _, j := range Jobs {
		names = append(names, j.Function)
	}
	sort.Strings(names)
	return names
}

// Find returns the route whose method and path template match a concrete request
// path, with the path parameters. Where several match, the one with the most
// literal segments wins (/applications/available over /applications/{id}), as in
// API Gateway.
func Find(method, path string) (Route, map[string]string, bool) {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	var best Route
	var bestParams map[string]string
	bestLiterals := -1
	for _, r := range All {
		if r.Method != method {
			continue
		}
		tmpl := strings.Split(strings.Trim(r.Path, "/"), "/")
		if len(tmpl) != len(parts) {
			continue
		}
		params := map[string]string{}
		literals := 0
		ok := true
		for i, t := range tmpl {
			switch {
			case strings.HasPrefix(t, "{") && strings.HasSuffix(t, "}"):
				if parts[i] == "" {
					ok = false
				}
				params[t[1:len(t)-1]] = parts[i]
			case t == parts[i]:
				literals++
			default:
				ok = false
			}
			if !ok {
				break
			}
		}
		if ok && literals > bestLiterals {
			best, bestParams, bestLiterals = r, params, literals
		}
	}
	return best, bestParams, bestLiterals >= 0
}

// ByFunction finds the route a function serves.
// NeedsOf is what the function name (a route's or a job's) needs.
func NeedsOf(name string) (Needs, bool) {
	if r, ok := ByFunction(name); ok {
		return r.Needs, true
	}
	for _, j := range Jobs {
		if j.Function == name {
			return j.Needs, true
		}
	}
	return Needs{}, false
}

func ByFunction(name string) (Route, bool) {
	for _, r := range All {
		if r.Function == name {
			return r, true
		}
	}
	return Route{}, false
}
