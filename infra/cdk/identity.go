package main

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"
	"github.com/kartamieszkanca/platform/shared/routes"
)

// Identity is the Cognito user pool (identities, passwords, tokens) and the one
// app client shared by the portal and the mobile app.
type Identity struct {
	Scope  constructs.Construct
	Pool   awscognito.UserPool
	Client awscognito.UserPoolClient
}

// IdentityAdminActions are the Cognito admin calls the API makes: create the
// user at registration (no self sign-up), confirm and set passwords for the
// mailed links, end sessions, block/unblock/delete accounts, change e-mail and
// phone, read the user and its groups. Login, refresh, logout and change of
// password use the client-side calls (InitiateAuth, RevokeToken,
// ChangePassword), which IAM does not govern.
var IdentityAdminActions = []string{
	"cognito-idp:AdminConfirmSignUp",
	"cognito-idp:AdminCreateUser",
	"cognito-idp:AdminDeleteUser",
	"cognito-idp:AdminDeleteUserAttributes",
	"cognito-idp:AdminDisableUser",
	"cognito-idp:AdminEnableUser",
	"cognito-idp:AdminGetUser",
	"cognito-idp:AdminListGroupsForUser",
	"cognito-idp:AdminSetUserPassword",
	"cognito-idp:AdminUpdateUserAttributes",
	"cognito-idp:AdminUserGlobalSignOut",
}

// Token lifetimes: short access and ID tokens because a JWT cannot be taken
// back (the API also checks the account state on every request).
const (
	accessTokenMinutes = 15
	refreshTokenDays   = 30
)

// NewIdentity creates the user pool, its staff groups and the app client.
func NewIdentity(scope constructs.Construct, id string, cfg Config) *Identity {
	c := constructs.NewConstruct(scope, jsii.String(id))
	pool := awscognito.NewUserPool(c, jsii.String("UserPool"), &awscognito.UserPoolProps{
		UserPoolName: jsii.String(cfg.StackName() + "-users"),
		// Registration goes through the API so that consents cannot be skipped.
		SelfSignUpEnabled:   jsii.Bool(false),
		SignInAliases:       &awscognito.SignInAliases{Email: jsii.Bool(true)},
		SignInCaseSensitive: jsii.Bool(false),
		StandardAttributes: &awscognito.StandardAttributes{
			Email: &awscognito.StandardAttribute{Required: jsii.Bool(true), Mutable: jsii.Bool(true)},
		},
		// custom:registration ties an identity to the e-mail claim that made
		// it, set once by AdminCreateUser: registration finishes only an
		// identity its own claim made (shared/account/claims.go).
		CustomAttributes: &map[string]awscognito.ICustomAttribute{
			"registration": awscognito.NewStringAttribute(&awscognito.StringAttributeProps{
				Mutable: jsii.Bool(false), MinLen: jsii.Number(1), MaxLen: jsii.Number(64),
			}),
		},
		// Length over composition (NIST SP 800-63B 5.1.1.2, OWASP ASVS 6.2.5).
		PasswordPolicy: &awscognito.PasswordPolicy{
			MinLength:            jsii.Number(12),
			RequireLowercase:     jsii.Bool(false),
			RequireUppercase:     jsii.Bool(false),
			RequireDigits:        jsii.Bool(false),
			RequireSymbols:       jsii.Bool(false),
			TempPasswordValidity: awscdk.Duration_Days(jsii.Number(1)),
		},
		AccountRecovery:    awscognito.AccountRecovery_EMAIL_ONLY,
		FeaturePlan:        awscognito.FeaturePlan_ESSENTIALS,
		Mfa:                awscognito.Mfa_OFF,
		DeletionProtection: jsii.Bool(cfg.Prod()),
		RemovalPolicy:      cfg.RemovalPolicy(),
	})
	for _, g := range []struct{ name, desc string }{
		{routes.GroupOperators, "City staff (Operator Module)"},
		{routes.GroupPartners, "Partners recording benefit use"},
		{routes.GroupInspectors, "Inspectors checking cards"},
	} {
		awscognito.NewUserPoolGroup(c, jsii.String("Group-"+g.name), &awscognito.UserPoolGroupProps{
			UserPool:    pool,
			GroupName:   jsii.String(g.name),
			Description: jsii.String(g.desc),
		})
	}
	client := pool.AddClient(jsii.String("AppClient"), &awscognito.UserPoolClientOptions{
		UserPoolClientName: jsii.String("portal-and-mobile"),
		// Public client (browser and app): no secret; the API calls InitiateAuth
		// with USER_PASSWORD_AUTH and REFRESH_TOKEN_AUTH.
		GenerateSecret: jsii.Bool(false),
		AuthFlows:      &awscognito.AuthFlow{UserPassword: jsii.Bool(true)},
		// No hosted UI: all sign-in goes through the API.
		DisableOAuth:               jsii.Bool(true),
		PreventUserExistenceErrors: jsii.Bool(true),
		EnableTokenRevocation:      jsii.Bool(true),
		AccessTokenValidity:        awscdk.Duration_Minutes(jsii.Number(accessTokenMinutes)),
		IdTokenValidity:            awscdk.Duration_Minutes(jsii.Number(accessTokenMinutes)),
		RefreshTokenValidity:       awscdk.Duration_Days(jsii.Number(refreshTokenDays)),
	})

	cdknag.NagSuppressions_AddResourceSuppressions(pool, &[]*cdknag.NagPackSuppression{
		{Id: jsii.String("AwsSolutions-COG1"), Reason: jsii.String(
			"Minimum length 12 without composition rules, as NIST SP 800-63B 5.1.1.2 and OWASP ASVS 6.2.5 " +
				"require: composition rules push users to predictable passwords. The API also rejects weak " +
				"and breached passwords.")},
		{Id: jsii.String("AwsSolutions-COG2"), Reason: jsii.String(
			"MFA is not required: residents, seniors and family members sign in with e-mail and password " +
				"through the platform's login endpoint; sessions are short (15-minute tokens, revocable refresh tokens).")},
		{Id: jsii.String("AwsSolutions-COG8"), Reason: jsii.String(
			"Essentials feature plan instead of Plus (threat protection) as a cost choice for a city-wide " +
				"user base; the API applies throttling, generic login errors and per-e-mail rate limits.")},
	}, jsii.Bool(false))

	awscdk.NewCfnOutput(scope, jsii.String("UserPoolId"), &awscdk.CfnOutputProps{Value: pool.UserPoolId()})
	awscdk.NewCfnOutput(scope, jsii.String("UserPoolClientId"), &awscdk.CfnOutputProps{Value: client.UserPoolClientId()})
	return &Identity{Scope: c, Pool: pool, Client: client}
}

// Issuer is the JWT issuer of the pool's tokens.
func (i *Identity) Issuer() *string {
	return jsii.String(fmt.Sprintf("https://cognito-idp.%s.amazonaws.com/%s",
		*awscdk.Stack_Of(i.Scope).Region(), *i.Pool.UserPoolId()))
}

// GrantAdmin lets a function make the admin calls on this pool only.
func (i *Identity) GrantAdmin(grantee awsiam.IGrantable) {
	actions := make([]*string, len(IdentityAdminActions))
	for n, a := range IdentityAdminActions {
		actions[n] = jsii.String(a)
	}
	awsiam.Grant_AddToPrincipal(&awsiam.GrantOnPrincipalOptions{
		Grantee:      grantee,
		Actions:      &actions,
		ResourceArns: &[]*string{i.Pool.UserPoolArn()},
	})
}
