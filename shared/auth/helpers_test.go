package auth_test

import (
	"testing"

	"github.com/kartamieszkanca/platform/infra/local/testenv"
)

const pw = testenv.ResidentPassword

type tokens = testenv.Tokens

func registration(email string) map[string]any { return testenv.Registration(email) }

func register(t *testing.T, e *testenv.Env, email string) string { return e.Register(t, email) }

func resident(t *testing.T, e *testenv.Env) (string, tokens) { return e.Resident(t) }

func login(t *testing.T, e *testenv.Env, email, password string) tokens {
	return e.Login(t, email, password)
}
