// Package identity is the Cognito adapter: the user pool holds identities and
// passwords and issues the tokens; the platform drives it through the admin API.
package identity

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"

	"github.com/kartamieszkanca/platform/shared/apierr"
)

// API is the part of the Cognito client the platform uses.
type API interface {
	AdminCreateUser(context.Context, *cip.AdminCreateUserInput, ...func(*cip.Options)) (*cip.AdminCreateUserOutput, error)
	AdminGetUser(context.Context, *cip.AdminGetUserInput, ...func(*cip.Options)) (*cip.AdminGetUserOutput, error)
	AdminSetUserPassword(context.Context, *cip.AdminSetUserPasswordInput, ...func(*cip.Options)) (*cip.AdminSetUserPasswordOutput, error)
	AdminUpdateUserAttributes(context.Context, *cip.AdminUpdateUserAttributesInput, ...func(*cip.Options)) (*cip.AdminUpdateUserAttributesOutput, error)
	AdminUserGlobalSignOut(context.Context, *cip.AdminUserGlobalSignOutInput, ...func(*cip.Options)) (*cip.AdminUserGlobalSignOutOutput, error)
	AdminAddUserToGroup(context.Context, *cip.AdminAddUserToGroupInput, ...func(*cip.Options)) (*cip.AdminAddUserToGroupOutput, error)
	AdminDeleteUser(context.Context, *cip.AdminDeleteUserInput, ...func(*cip.Options)) (*cip.AdminDeleteUserOutput, error)
	InitiateAuth(context.Context, *cip.InitiateAuthInput, ...func(*cip.Options)) (*cip.InitiateAuthOutput, error)
	RevokeToken(context.Context, *cip.RevokeTokenInput, ...func(*cip.Options)) (*cip.RevokeTokenOutput, error)
}

// Pool is the user pool and the app client the API logs in through.
type Pool struct {
	API      API
	PoolID   string
	ClientID string
}

// Tokens are Cognito's answer to a login or a refresh.
type Tokens struct {
	AccessToken  string `json:"accessToken"`
	IDToken      string `json:"idToken"`
	RefreshToken string `json:"refreshToken,omitempty"`
	ExpiresIn    int32  `json:"expiresIn"`
}

// ErrUserExists: the e-mail already has an identity.
var ErrUserExists = errors.New("identity: user exists")

// ErrNoUser: the e-mail has no identity.
var ErrNoUser = errors.New("identity: no such user")

// RegistrationAttr is the immutable attribute that ties an identity to the
// e-mail claim whose registration created it: a later attempt of the same
// registration may finish that identity, and no other.
const RegistrationAttr = "custom:registration"

// CreateUser creates an identity without Cognito's own invitation mail (the
// platform sends its own, with its own link) and returns its sub. The
// identity carries registration (the claim's registration id) for good.
func (p *Pool) CreateUser(ctx context.Context, email, registration string) (string, error) {
	out, err := p.API.AdminCreateUser(ctx, &cip.AdminCreateUserInput{
		UserPoolId:    &p.PoolID,
		Username:      &email,
		MessageAction: types.MessageActionTypeSuppress,
		UserAttributes: []types.AttributeType{
			{Name: aws.String("email"), Value: &email},
			{Name: aws.String("email_verified"), Value: aws.String("false")},
			{Name: aws.String(RegistrationAttr), Value: &registration},
		},
	})
	var exists *types.UsernameExistsException
	if errors.As(err, &exists) {
		return "", ErrUserExists
	}
	if err != nil {
		return "", wrap("create user", err)
	}
	return attr(out.User.Attributes, "sub"), nil
}

// User returns the sub of an e-mail's identity and the registration it was
// created by ("" for an identity made otherwise).
func (p *Pool) User(ctx context.Context, email string) (sub, registration string, err error) {
	out, err := p.API.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &p.PoolID, Username: &email})
	var nf *types.UserNotFoundException
	if errors.As(err, &nf) {
		return "", "", ErrNoUser
	}
	if err != nil {
		return "", "", wrap("get user", err)
	}
	return attr(out.UserAttributes, "sub"), attr(out.UserAttributes, RegistrationAttr), nil
}

// SetPassword sets a permanent password.
func (p *Pool) SetPassword(ctx context.Context, email, password string) error {
	_, err := p.API.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{
		UserPoolId: &p.PoolID, Username: &email, Password: &password, Permanent: true,
	})
	var weak *types.InvalidPasswordException
	if errors.As(err, &weak) {
		return apierr.New(apierr.PasswordPolicy, "The password does not meet the password policy.")
	}
	return wrap("set password", err)
}

// VerifyEmail marks the e-mail verified once the activation link was followed.
func (p *Pool) VerifyEmail(ctx context.Context, email string) error {
	_, err := p.API.AdminUpdateUserAttributes(ctx, &cip.AdminUpdateUserAttributesInput{
		UserPoolId: &p.PoolID, Username: &email,
		UserAttributes: []types.AttributeType{
			{Name: aws.String("email"), Value: &email},
			{Name: aws.String("email_verified"), Value: aws.String("true")},
		},
	})
	return wrap("verify email", err)
}

// SignOutEverywhere revokes the user's refresh tokens in Cognito. The platform's
// own session check already refuses them; this is the second lock.
func (p *Pool) SignOutEverywhere(ctx context.Context, email string) error {
	_, err := p.API.AdminUserGlobalSignOut(ctx, &cip.AdminUserGlobalSignOutInput{UserPoolId: &p.PoolID, Username: &email})
	return wrap("global sign-out", err)
}

// DeleteUser removes an identity; one already gone is not an error (an
// erasure resumed after this step).
func (p *Pool) DeleteUser(ctx context.Context, email string) error {
	_, err := p.API.AdminDeleteUser(ctx, &cip.AdminDeleteUserInput{UserPoolId: &p.PoolID, Username: &email})
	var nf *types.UserNotFoundException
	if errors.As(err, &nf) {
		return nil
	}
	return wrap("delete user", err)
}

// AddToGroup puts a user in a Cognito group (staff roles).
func (p *Pool) AddToGroup(ctx context.Context, email, group string) error {
	_, err := p.API.AdminAddUserToGroup(ctx, &cip.AdminAddUserToGroupInput{UserPoolId: &p.PoolID, Username: &email, GroupName: &group})
	return wrap("add to group", err)
}

// Login checks e-mail and password. Every credential failure is the same
// invalid_credentials, so the answer never tells whether the e-mail exists.
func (p *Pool) Login(ctx context.Context, email, password string) (Tokens, error) {
	out, err := p.API.InitiateAuth(ctx, &cip.InitiateAuthInput{
		ClientId: &p.ClientID,
		AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{
			"USERNAME": email,
			"PASSWORD": password,
		},
	})
	if err != nil {
		return Tokens{}, authError("login", err)
	}
	if out.AuthenticationResult == nil {
		// A challenge (e.g. NEW_PASSWORD_REQUIRED) is not a usable login here.
		return Tokens{}, apierr.New(apierr.InvalidCredentials, "Wrong e-mail or password.")
	}
	return tokens(out.AuthenticationResult), nil
}

// Refresh trades a refresh token for new access and ID tokens.
func (p *Pool) Refresh(ctx context.Context, refreshToken string) (Tokens, error) {
	out, err := p.API.InitiateAuth(ctx, &cip.InitiateAuthInput{
		ClientId:       &p.ClientID,
		AuthFlow:       types.AuthFlowTypeRefreshTokenAuth,
		AuthParameters: map[string]string{"REFRESH_TOKEN": refreshToken},
	})
	if err != nil {
		return Tokens{}, authError("refresh", err)
	}
	if out.AuthenticationResult == nil {
		return Tokens{}, apierr.New(apierr.Unauthorized, "The refresh token is not valid.")
	}
	t := tokens(out.AuthenticationResult)
	if t.RefreshToken == "" {
		t.RefreshToken = refreshToken
	}
	return t, nil
}

// Revoke revokes a refresh token (and the access tokens issued with it).
func (p *Pool) Revoke(ctx context.Context, refreshToken string) error {
	_, err := p.API.RevokeToken(ctx, &cip.RevokeTokenInput{ClientId: &p.ClientID, Token: &refreshToken})
	var ae smithy.APIError
	if errors.As(err, &ae) && ae.ErrorCode() == "NotAuthorizedException" {
		return nil // already revoked or unknown: logging out twice is fine
	}
	return wrap("revoke", err)
}

func tokens(r *types.AuthenticationResultType) Tokens {
	return Tokens{AccessToken: aws.ToString(r.AccessToken), IDToken: aws.ToString(r.IdToken),
		RefreshToken: aws.ToString(r.RefreshToken), ExpiresIn: r.ExpiresIn}
}

func authError(op string, err error) error {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		switch ae.ErrorCode() {
		case "NotAuthorizedException", "UserNotFoundException", "InvalidPasswordException", "PasswordResetRequiredException", "UserNotConfirmedException", "InvalidParameterException":
			return apierr.New(apierr.InvalidCredentials, "Wrong e-mail or password.")
		}
	}
	return wrap(op, err)
}

// wrap keeps Cognito's text away from clients: throttling becomes a 503 they may
// retry, anything else an internal error.
func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		switch ae.ErrorCode() {
		case "TooManyRequestsException", "ThrottlingException", "LimitExceededException":
			return &apierr.Error{Code: apierr.RetryLater, Message: "The service is busy; try again shortly.", RetryAfter: 1}
		}
	}
	return fmt.Errorf("identity: %s: %w", op, err)
}

func attr(as []types.AttributeType, name string) string {
	for _, a := range as {
		if aws.ToString(a.Name) == name {
			return aws.ToString(a.Value)
		}
	}
	return ""
}

// Claims are the claims the API reads from tokens Cognito has just issued to it.
type Claims struct {
	Sub       string `json:"sub"`
	AuthTime  int64  `json:"auth_time"`
	OriginJTI string `json:"origin_jti"`
}

// ReadClaims reads a token that the API received from Cognito itself over TLS;
// its signature needs no check here (API Gateway checks tokens that clients send).
func ReadClaims(token string) (Claims, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return Claims{}, errors.New("identity: token is not a JWT")
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return Claims{}, fmt.Errorf("identity: token payload: %w", err)
	}
	var c Claims
	if err := json.Unmarshal(b, &c); err != nil {
		return Claims{}, fmt.Errorf("identity: token claims: %w", err)
	}
	return c, nil
}
