// Package catalog maps every function name of the route table to its handler,
// for the local gateway and the tests. Deployed functions do not import it: each
// functions/<name>/main.go names its own handler, so it links only that code.
package catalog

import (
	"github.com/kartamieszkanca/platform/shared/application"
	"github.com/kartamieszkanca/platform/shared/audit"
	"github.com/kartamieszkanca/platform/shared/auth"
	"github.com/kartamieszkanca/platform/shared/benefit"
	"github.com/kartamieszkanca/platform/shared/card"
	"github.com/kartamieszkanca/platform/shared/cardqr"
	"github.com/kartamieszkanca/platform/shared/cases"
	"github.com/kartamieszkanca/platform/shared/comingofage"
	"github.com/kartamieszkanca/platform/shared/consent"
	"github.com/kartamieszkanca/platform/shared/dictionary"
	"github.com/kartamieszkanca/platform/shared/entitlement"
	"github.com/kartamieszkanca/platform/shared/entry"
	"github.com/kartamieszkanca/platform/shared/erasure"
	"github.com/kartamieszkanca/platform/shared/health"
	"github.com/kartamieszkanca/platform/shared/household"
	"github.com/kartamieszkanca/platform/shared/identifier"
	"github.com/kartamieszkanca/platform/shared/mail"
	"github.com/kartamieszkanca/platform/shared/password"
	"github.com/kartamieszkanca/platform/shared/phone"
	"github.com/kartamieszkanca/platform/shared/profile"
	"github.com/kartamieszkanca/platform/shared/resident"
	"github.com/kartamieszkanca/platform/shared/retention"
	"github.com/kartamieszkanca/platform/shared/signup"
	"github.com/kartamieszkanca/platform/shared/staff"
	"github.com/kartamieszkanca/platform/shared/taskrunner"
	"github.com/kartamieszkanca/platform/shared/upload"
	"github.com/kartamieszkanca/platform/shared/verification"
)

// HTTP holds the route handlers by function name.
var HTTP = map[string]entry.HTTPFactory{
	"health":               health.Get,
	"list-consent-clauses": dictionary.GetClauses,
	"get-dictionary":       dictionary.Get,
	"register":             signup.Register,
	"activate":             auth.Activate,
	"resend-activation":    auth.ResendActivation,
	"login":                auth.Login,
	"refresh":              auth.Refresh,
	"logout":               auth.Logout,
	"forgot-password":      auth.ForgotPassword,
	"reset-password":       password.Reset,
	"get-account":          auth.Get,
	"put-account-phone":    phone.Put,
	"delete-account-phone": phone.Delete,
	"change-password":      password.Change,
	"delete-account":       erasure.DeleteAccount,
	"export-account":       erasure.Export,
	"delete-family-member": erasure.DeleteMember,
	"list-profiles":        profile.List,
	"get-profile":          profile.Get,

	"accept-invitation":        household.Accept,
	"add-family-member":        household.Add,
	"edit-family-member":       household.Edit,
	"resend-family-invitation": household.Resend,
	"list-account-consents":    consent.List,
	"put-account-consent":      consent.Put,

	"list-available-applications": application.Available,
	"create-application":          application.Create,
	"list-applications":           application.List,
	"get-application":             application.Get,
	"update-application":          application.Update,
	"submit-application":          application.Submit,
	"delete-application":          application.Delete,
	"list-review-queue":           application.Queue,
	"get-review-application":      application.ReviewGet,
	"start-review":                application.StartReview,
	"decide-application":          application.Decide,

	"list-cards":            card.List,
	"block-card":            card.Block,
	"get-card-qr":           cardqr.QR,
	"get-qr-keys":           cardqr.Keys,
	"set-card-status":       card.SetStatus,
	"unblock-card":          card.Unblock,
	"list-card-revocations": card.Revocations,
	"get-card-validity":     cardqr.Validity,
	"create-upload":         upload.Create,

	"list-cases":                  cases.List,
	"count-unread-cases":          cases.UnreadCount,
	"create-case":                 cases.Create,
	"get-case":                    cases.Get,
	"list-case-messages":          cases.Messages,
	"reply-case":                  cases.Reply,
	"list-operator-cases":         cases.Inbox,
	"create-operator-case":        cases.OperatorCreate,
	"get-operator-case":           cases.OperatorGet,
	"list-operator-case-messages": cases.OperatorMessages,
	"reply-operator-case":         cases.OperatorReply,
	"close-case":                  cases.Close,

	"list-packages":     entitlement.List,
	"list-card-checks":  verification.Checks,
	"list-identifiers":  identifier.List,
	"create-identifier": identifier.Create,
	"delete-identifier": identifier.Delete,
	"verify-card":       verification.Verify,

	"record-benefit":        benefit.Record,
	"list-partner-benefits": benefit.PartnerList,
	"list-benefits":         benefit.History,

	"list-dictionary-entries": dictionary.AdminList,
	"create-dictionary-entry": dictionary.AdminCreate,
	"get-dictionary-entry":    dictionary.AdminGet,
	"update-dictionary-entry": dictionary.AdminUpdate,
	"retire-dictionary-entry": dictionary.AdminDelete,
	"search-residents":        resident.Search,
	"get-resident":            resident.Get,
	"list-audit":              audit.List,
	"invite-staff":            staff.Invite,
	"list-staff":              staff.List,
	"disable-staff":           staff.Disable,
}

// Jobs holds the scheduled jobs by function name.
var Jobs = map[string]entry.JobFactory{
	entitlement.ExpiryJobName: entitlement.ExpiryJob,
	retention.JobName:         retention.Job,
	comingofage.JobName:       comingofage.Job,
}

// Streams holds the stream consumers by function name.
var Streams = map[string]entry.StreamFactory{
	"mail-sender": mail.StreamHandler,
	"task-runner": taskrunner.StreamHandler,
}
