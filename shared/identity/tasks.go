package identity

import (
	"context"
	"time"

	"github.com/kartamieszkanca/platform/shared/store"
	"github.com/kartamieszkanca/platform/shared/task"
)

// Task kinds of the user pool: Cognito calls that follow a committed change.
const (
	TaskVerifyEmail = "identity.verify_email"
	TaskSignOut     = "identity.sign_out"
	TaskRevoke      = "identity.revoke"
)

// AfterVerifyEmail marks the e-mail verified in Cognito once tx commits.
func AfterVerifyEmail(tx *store.Tx, now time.Time, email string) {
	task.Enqueue(tx, now, TaskVerifyEmail, map[string]string{"email": email})
}

// AfterSignOut revokes every refresh token of the user in Cognito once tx
// commits: the second lock behind the platform's own session check.
func AfterSignOut(tx *store.Tx, now time.Time, email string) {
	task.Enqueue(tx, now, TaskSignOut, map[string]string{"email": email})
}

// AfterRevoke revokes one refresh token in Cognito once tx commits.
func AfterRevoke(tx *store.Tx, now time.Time, refreshToken string) {
	task.Enqueue(tx, now, TaskRevoke, map[string]string{"token": refreshToken})
}

// Tasks are the handlers of the pool's task kinds; each is idempotent.
func (p *Pool) Tasks() map[string]task.Handler {
	return map[string]task.Handler{
		TaskVerifyEmail: func(ctx context.Context, a map[string]string) error { return p.VerifyEmail(ctx, a["email"]) },
		TaskSignOut:     func(ctx context.Context, a map[string]string) error { return p.SignOutEverywhere(ctx, a["email"]) },
		TaskRevoke:      func(ctx context.Context, a map[string]string) error { return p.Revoke(ctx, a["token"]) },
	}
}
