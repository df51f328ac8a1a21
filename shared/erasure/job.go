package erasure

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/oklog/ulid/v2"

	"github.com/kartamieszkanca/platform/shared/account"
	"github.com/kartamieszkanca/platform/shared/apierr"
	"github.com/kartamieszkanca/platform/shared/identity"
	"github.com/kartamieszkanca/platform/shared/outbox"
	"github.com/kartamieszkanca/platform/shared/platform"
	"github.com/kartamieszkanca/platform/shared/store"
	"github.com/kartamieszkanca/platform/shared/task"
	"github.com/kartamieszkanca/platform/shared/upload"
)

// TaskRun is the task kind that runs an erasure job's steps.
const TaskRun = "erasure.run"

// Scopes of an erasure (the confirmation mail says which).
const (
	ScopeHousehold = "household"
	ScopeMember    = "member"
)

// Job is an erasure in progress: whom it erases and the step it has reached.
// When it ends it keeps only its counts (it names nobody).
type Job struct {
	store.Key
	JobID string `dynamodbav:"jobId"`
	Target
	Scope     string         `dynamodbav:"scope"`
	Step      Step           `dynamodbav:"step"`
	CreatedAt time.Time      `dynamodbav:"createdAt"`
	DoneAt    *time.Time     `dynamodbav:"doneAt,omitempty"`
	Counts    map[string]int `dynamodbav:"counts,omitempty"`
	TTL       int64          `dynamodbav:"ttl,omitempty"`
}

// Person is someone an erasure starts for: the account (when the person has
// one) and where its confirmation goes.
type Person struct {
	AccountID string
	// Version: the account's version as read, for the caller's own account;
	// 0 for accounts the request did not read (a member's, whose profile
	// names it).
	Version   int
	Email     string
	ProfileID string
}

// ErrGone: the profile is gone or being erased already.
var ErrGone = apierr.New(apierr.NotFound, "No such profile.")

// ErrChanged: an account of the erasure changed, or is being erased already.
var ErrChanged = apierr.New(apierr.Conflict, "The account was changed at the same time; try again.")

// Start adds an erasure's first step to tx: the job, every account marked
// erasing (the gate and the login refuse them from this commit on), the
// confirmation mail to every address before the address goes, and the task
// that runs the other steps. It returns the job's id.
func Start(tx *store.Tx, now time.Time, portalURL, householdID, scope string, people []Person) string {
	id := ulid.Make().String()
	job := &Job{Key: store.ErasureKey(id), JobID: id, Scope: scope, Step: Steps[0], CreatedAt: now.UTC(),
		Target: Target{HouseholdID: householdID}}
	for _, p := range people {
		if p.ProfileID != "" {
			job.Profiles = append(job.Profiles, p.ProfileID)
		}
		if p.AccountID == "" {
			continue
		}
		job.Accounts = append(job.Accounts, p.AccountID)
		mark := expression.Set(expression.Name("status"), expression.Value(account.Erasing))
		if p.Version != 0 {
			tx.Change(store.AccountKey(p.AccountID), p.Version, mark, nil, ErrChanged)
		} else {
			tx.Update(store.AccountKey(p.AccountID), mark.Add(expression.Name("version"), expression.Value(1)), store.Cond(expression.AttributeExists(expression.Name("PK")).
				And(expression.Name("status").NotEqual(expression.Value(account.Erasing)))), ErrChanged)
		}
	}
	tx.Create(job, ErrChanged)
	if scope == ScopeMember && householdID != "" && len(job.Profiles) == 1 {
		// The member's profile is marked, so of two deletions at once one
		// begins, and the household counts one member less (its limit is a
		// condition).
		status := expression.Name("status")
		tx.Update(store.ProfileKey(householdID, job.Profiles[0]), expression.Set(status, expression.Value(account.Erasing)),
			store.Cond(expression.AttributeExists(expression.Name("PK")).And(status.NotEqual(expression.Value(account.Erasing)))),
			ErrGone)
		n := expression.Name("members")
		tx.Update(store.ProfileKey(householdID, householdID), expression.Add(n, expression.Value(-1)),
			store.Cond(n.GreaterThan(expression.Value(0))), ErrChanged)
	}
	for _, p := range people {
		if p.Email != "" {
			confirm(tx, now, portalURL, id, scope, p.Email)
		}
	}
	task.Enqueue(tx, now, TaskRun, map[string]string{"job": id})
	return id
}

// confirm adds the confirmation mail to an address; its id is the job's and
// the address's, so the request and the job never write it twice.
func confirm(tx *store.Tx, now time.Time, portalURL, jobID, scope, email string) {
	// "household" set: the mail says the family's accounts go too.
	data := map[string]string{"link": portalURL + "/register", "household": ""}
	if scope == ScopeHousehold {
		data["household"] = "1"
	}
	outbox.EnqueueForgotten(tx, now, "erased#"+jobID+"#"+store.Hash(store.NormalizeEmail(email))[:16], outbox.Erased, email, data, errConfirmed)
}

var errConfirmed = errors.New("erasure: confirmation written already")

// Files is the part of the S3 client the erasure uses.
type Files interface {
	ListObjectsV2(context.Context, *s3.ListObjectsV2Input, ...func(*s3.Options)) (*s3.ListObjectsV2Output, error)
	DeleteObject(context.Context, *s3.DeleteObjectInput, ...func(*s3.Options)) (*s3.DeleteObjectOutput, error)
}

// Users is the part of the user pool the erasure uses.
type Users interface {
	DeleteUser(ctx context.Context, email string) error
}

// Engine runs erasure jobs.
type Engine struct {
	Table     *store.Table
	PortalURL string
	Files     Files
	Bucket    string
	Users     Users
	Log       *slog.Logger
	// After, when set, is called after each step's work and before the step
	// is recorded (tests inject a failure there).
	After func(Step) error
}

// EngineOf is the engine with the function's clients.
func EngineOf(d *platform.Deps) *Engine {
	e := &Engine{Table: store.Of(d), PortalURL: d.Config.PortalURL, Files: upload.S3(d), Bucket: d.Config.FilesBucket, Users: identity.Of(d), Log: d.Log}
	if f := afterStep.Load(); f != nil {
		e.After = *f
	}
	return e
}

// afterStep is a fault the tests inject into the task runner's engines.
var afterStep atomic.Pointer[func(Step) error]

// Tasks are the erasure's task handlers (the task runner runs them).
func Tasks(d *platform.Deps) map[string]task.Handler {
	return map[string]task.Handler{
		TaskRun: func(ctx context.Context, a map[string]string) error { return EngineOf(d).Run(ctx, a["job"]) },
	}
}

// Run runs a job from the step it reached to its end. Every step can run
// again: a run that stopped anywhere is resumed by running it again.
func (e *Engine) Run(ctx context.Context, jobID string) error {
	var job Job
	err := e.Table.Get(ctx, store.ErasureKey(jobID), &job)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if job.Counts == nil {
		job.Counts = map[string]int{}
	}
	for i, s := range Steps {
		if job.Step == StepDone {
			return nil
		}
		if s != job.Step {
			continue
		}
		if err := e.step(ctx, &job, s); err != nil {
			return fmt.Errorf("erasure %s: step %s: %w", jobID, s, err)
		}
		if e.After != nil {
			if err := e.After(s); err != nil {
				return err
			}
		}
		next := StepDone
		if i+1 < len(Steps) {
			next = Steps[i+1]
		}
		if err := e.advance(ctx, &job, s, next); err != nil {
			return err
		}
	}
	return nil
}

// advance records a finished step, conditioned on the step it finished (a
// second runner of the same job cannot move it twice).
func (e *Engine) advance(ctx context.Context, job *Job, from, to Step) error {
	upd := expression.Set(expression.Name("step"), expression.Value(to))
	if to == StepDone {
		now := e.Table.Now().UTC()
		// The record of an erasure names nobody: its ids go, its counts stay.
		upd = upd.Set(expression.Name("doneAt"), expression.Value(now)).
			Set(expression.Name("ttl"), expression.Value(now.Add(365*24*time.Hour).Unix())).
			Remove(expression.Name("accounts")).Remove(expression.Name("profiles")).Remove(expression.Name("householdId"))
	}
	// The step's own mark is counted with it.
	job.Counts["writes"]++
	upd = upd.Set(expression.Name("counts"), expression.Value(job.Counts))
	err := e.Table.Update(ctx, job.Key, upd, store.Cond(expression.Name("step").Equal(expression.Value(from))), errMoved)
	if err != nil {
		return err
	}
	job.Step = to
	return nil
}

var errMoved = errors.New("erasure: the job moved on under this run")

func (e *Engine) step(ctx context.Context, job *Job, s Step) error {
	if s == StepFiles {
		return e.files(ctx, job)
	}
	h, err := Gather(ctx, e.Table, job.Target)
	if err != nil {
		return err
	}
	job.Counts["reads"] += h.Reads
	if s == StepLinks {
		// Every erased account is told before its address goes (the request
		// wrote the caller's; a member's address is read here).
		for _, a := range h.Accounts {
			if a.Email == "" {
				continue
			}
			tx := &store.Tx{}
			confirm(tx, e.Table.Now(), e.PortalURL, job.JobID, job.Scope, a.Email)
			if err := e.Table.Commit(ctx, tx); err != nil && !errors.Is(err, errConfirmed) {
				return err
			}
			job.Counts["writes"]++
		}
	}
	if s == StepUsers {
		for _, a := range h.Accounts {
			if a.Email == "" {
				continue
			}
			if err := e.Users.DeleteUser(ctx, store.NormalizeEmail(a.Email)); err != nil {
				return err
			}
			job.Counts["users"]++
		}
		return nil
	}
	tx := &store.Tx{}
	flush := func() error {
		if tx.Len() == 0 {
			return nil
		}
		err := e.Table.Commit(ctx, tx)
		job.Counts["writes"]++
		tx = &store.Tx{}
		return err
	}
	done := map[store.Key]bool{}
	for _, f := range h.Items {
		// A key may be found twice (a token by its owner and by its profile);
		// a transaction takes one write per item.
		if f.Rule.Step != s || done[f.Key] {
			continue
		}
		done[f.Key] = true
		switch f.Rule.Fate {
		case Erased:
			tx.Delete(f.Key, nil, nil)
		case KeptAnonymous:
			tx.Update(f.Key, anonymize(f.Rule.strip), store.Exists(), nil)
		default:
			continue
		}
		job.Counts[f.Rule.Item]++
		// One transaction takes 100 writes; deletes of what is gone are no-ops.
		if tx.Len() == 100 {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}

// anonymize strips a kept item of its links to a person (a benefit record's
// holder and card, an audit entry's resident and object) and their index
// entries. What was done, where and when stays.
func anonymize(strip []string) expression.UpdateBuilder {
	u := expression.Set(expression.Name("anonymized"), expression.Value(true))
	for _, a := range strip {
		u = u.Remove(expression.Name(a))
	}
	return u
}

// files deletes the profiles' objects: every object of a profile lives under
// its id in the uploads' prefixes, so listing them finds what is left even
// after the records that named them are gone.
func (e *Engine) files(ctx context.Context, job *Job) error {
	for _, p := range job.Profiles {
		for _, prefix := range []string{upload.PendingPrefix + p + "/", upload.KeptPrefix + p + "/"} {
			var token *string
			for {
				out, err := e.Files.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: &e.Bucket, Prefix: aws.String(prefix), ContinuationToken: token})
				if err != nil {
					return fmt.Errorf("delete object: %w", err)
				}
				for _, o := range out.Contents {
					if !strings.HasPrefix(aws.ToString(o.Key), prefix) {
						continue
					}
					if _, err := e.Files.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &e.Bucket, Key: o.Key}); err != nil {
						return fmt.Errorf("delete object: %w", err)
					}
					job.Counts["objects"]++
				}
				if !aws.ToBool(out.IsTruncated) {
					break
				}
				token = out.NextContinuationToken
			}
		}
	}
	return nil
}

// JobOf reads a job (tests and the export of a job's state).
func JobOf(ctx context.Context, t *store.Table, id string) (*Job, error) {
	var j Job
	if err := t.Get(ctx, store.ErasureKey(id), &j); err != nil {
		return nil, err
	}
	return &j, nil
}
