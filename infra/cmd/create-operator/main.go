// Command create-operator makes the first operator of a deployment (R15.10):
// an operator account in the user pool's operators group and in the table,
// and the invitation mail with the link to set its password. Later operators
// are invited by operators (POST /operator/staff); nothing seeds staff
// accounts outside the local stack.
//
// Run it once per deployment, with the deployment's AWS credentials and the
// stack's outputs in the environment (infra/cdk/README.md):
//
//	STAGE=prod TABLE_NAME=… USER_POOL_ID=… USER_POOL_CLIENT_ID=… \
//	PORTAL_URL=https://… DECISION_SERVICE_DAYS=14 AWS_REGION=… \
//	AWS_ACCESS_KEY_ID=… AWS_SECRET_ACCESS_KEY=… [AWS_SESSION_TOKEN=…] \
//	go run ./infra/cmd/create-operator -email anna.kowalska@um.example.pl
//
// It is safe to run again: an e-mail that has an account is refused
// (email_taken) and nothing changes.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"

	"github.com/kartamieszkanca/platform/shared/apierr"
	"github.com/kartamieszkanca/platform/shared/platform"
	"github.com/kartamieszkanca/platform/shared/routes"
	"github.com/kartamieszkanca/platform/shared/staff"
)

func main() {
	email := flag.String("email", "", "the operator's e-mail address")
	flag.Parse()
	if *email == "" {
		fmt.Fprintln(os.Stderr, "usage: create-operator -email ADDRESS")
		os.Exit(2)
	}
	ctx := context.Background()
	// The needs of POST /operator/staff: the table and the user pool.
	r, _ := routes.ByFunction("invite-staff")
	d, err := platform.Load(ctx, os.Getenv, r.Needs)
	if err != nil {
		fmt.Fprintln(os.Stderr, "create-operator:", err)
		os.Exit(1)
	}
	id, err := staff.CreateFirstOperator(ctx, d, *email)
	if err != nil {
		if e := apierr.From(err); e != nil {
			err = errors.New(string(e.Code) + ": " + e.Message)
		} else {
			err = errors.New(apierr.Redact(err))
		}
		fmt.Fprintln(os.Stderr, "create-operator:", err)
		os.Exit(1)
	}
	fmt.Printf("operator %s created (account %s); the invitation with the link to set the password is on its way\n", *email, id)
}
