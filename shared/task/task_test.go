package task_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kartamieszkanca/platform/infra/local/testenv"
	"github.com/kartamieszkanca/platform/shared/store"
	"github.com/kartamieszkanca/platform/shared/task"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// put writes a task the environment's stream leaves alone, so the test drives
// the runner by hand.
func put(t *testing.T, e *testenv.Env, name, kind string) store.Key {
	t.Helper()
	id := "unpolled#" + name
	k := store.Key{PK: testenv.UnpolledTask + name, SK: "TASK"}
	tx := &store.Tx{}
	tx.Create(&task.Item{Key: k, ID: id, Kind: kind, Args: map[string]string{"secret": "s3cr3t"}, CreatedAt: time.Now(),
		TTL: time.Now().Add(time.Hour).Unix()}, nil)
	if err := store.Of(e.Deps).Commit(context.Background(), tx); err != nil {
		t.Fatal(err)
	}
	return k
}

// A failed task is given back and retried; once done it never runs again,
// and it keeps no arguments (they may be secrets).
func TestTaskRetriedUntilDoneThenNever(t *testing.T) {
	e := testenv.Get(t)
	k := put(t, e, "retry-"+t.Name(), "test.flaky")
	var calls atomic.Int32
	r := &task.Runner{Table: store.Of(e.Deps), Log: e.Deps.Log, Handlers: map[string]task.Handler{
		"test.flaky": func(ctx context.Context, a map[string]string) error {
			if a["secret"] != "s3cr3t" {
				t.Errorf("args %v", a)
			}
			if calls.Add(1) == 1 {
				return errors.New("outage")
			}
			return nil
		}}}
	ctx := context.Background()
	if err := r.Run(ctx, k); err == nil {
		t.Fatal("a failed task reported success")
	}
	// Given back at once: the retry does not wait for the lease.
	if err := r.Run(ctx, k); err != nil {
		t.Fatal(err)
	}
	if err := r.Run(ctx, k); err != nil {
		t.Fatal(err)
	}
	if n := calls.Load(); n != 2 {
		t.Fatalf("handler ran %d times, want 2", n)
	}
	var it task.Item
	if err := store.Of(e.Deps).Get(ctx, k, &it); err != nil {
		t.Fatal(err)
	}
	if it.DoneAt == 0 || it.Args != nil || it.Attempts != 2 {
		t.Fatalf("done task: doneAt %d, args %v, attempts %d", it.DoneAt, it.Args, it.Attempts)
	}
}

// Two runners given the same task at once (the stream is at-least-once): the
// work runs once; the other is told to retry later.
func TestTaskRunsOnceUnderConcurrentDelivery(t *testing.T) {
	e := testenv.Get(t)
	k := put(t, e, "concurrent-"+t.Name(), "test.slow")
	var calls atomic.Int32
	inside, release := make(chan struct{}), make(chan struct{})
	r := &task.Runner{Table: store.Of(e.Deps), Log: e.Deps.Log, Handlers: map[string]task.Handler{
		"test.slow": func(ctx context.Context, a map[string]string) error {
			calls.Add(1)
			close(inside)
			<-release
			return nil
		}}}
	ctx := context.Background()
	var wg sync.WaitGroup
	var first error
	wg.Go(func() { first = r.Run(ctx, k) })
	<-inside
	second := r.Run(ctx, k)
	close(release)
	wg.Wait()
	if first != nil || !errors.Is(second, store.ErrLeased) {
		t.Fatalf("first %v, second %v (want nil, leased)", first, second)
	}
	if err := r.Run(ctx, k); err != nil || calls.Load() != 1 {
		t.Fatalf("after done: %v, %d calls", err, calls.Load())
	}
}

// An unknown kind (a deployment mismatch) is an error the stream retries and
// then dead-letters, never silently done.
func TestUnknownTaskKindFails(t *testing.T) {
	e := testenv.Get(t)
	k := put(t, e, "unknown-"+t.Name(), "test.nobody")
	r := &task.Runner{Table: store.Of(e.Deps), Log: e.Deps.Log, Handlers: map[string]task.Handler{}}
	if err := r.Run(context.Background(), k); !errors.Is(err, task.ErrUnknownKind) {
		t.Fatalf("err = %v", err)
	}
}
