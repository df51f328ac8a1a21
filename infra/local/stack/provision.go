package stack

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	ciptypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/kartamieszkanca/platform/shared/auth"
	"github.com/kartamieszkanca/platform/shared/dictionary"
	"github.com/kartamieszkanca/platform/shared/identity"
	"github.com/kartamieszkanca/platform/shared/password"
	"github.com/kartamieszkanca/platform/shared/platform"
	"github.com/kartamieszkanca/platform/shared/routes"
	"github.com/kartamieszkanca/platform/shared/store"
)

// Resources are what Provision created, for the functions' configuration.
type Resources struct {
	Table    string
	PoolID   string
	ClientID string
	Bucket   string
	// Issuer is the tokens' iss; its JWKS is at Issuer + "/.well-known/jwks.json".
	Issuer string
}

// Provision creates the table, the user pool with its client and groups, and
// the bucket, as the CDK app does in AWS.
func Provision(ctx context.Context, cfg aws.Config, e Endpoints, table, pool, bucket string) (Resources, error) {
	res := Resources{Table: table, Bucket: bucket}
	db := dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) { o.DisableValidateResponseChecksum = true })
	if err := CreateTable(ctx, db, table); err != nil {
		return res, err
	}
	idp := cip.NewFromConfig(cfg, func(o *cip.Options) { o.RetryMaxAttempts = 1 })
	out, err := idp.CreateUserPool(ctx, &cip.CreateUserPoolInput{
		PoolName:              &pool,
		UsernameAttributes:    []ciptypes.UsernameAttributeType{ciptypes.UsernameAttributeTypeEmail},
		AdminCreateUserConfig: &ciptypes.AdminCreateUserConfigType{AllowAdminCreateUserOnly: true},
		Policies: &ciptypes.UserPoolPolicyType{PasswordPolicy: &ciptypes.PasswordPolicyType{
			MinimumLength: aws.Int32(password.MinLength),
		}},
		// The claim's registration id, set once at creation (as infra/cdk declares it).
		Schema: []ciptypes.SchemaAttributeType{{
			Name:              aws.String(strings.TrimPrefix(identity.RegistrationAttr, "custom:")),
			AttributeDataType: ciptypes.AttributeDataTypeString,
			Mutable:           aws.Bool(false),
		}},
	})
	if err != nil {
		return res, fmt.Errorf("stack: create user pool: %w", err)
	}
	res.PoolID = aws.ToString(out.UserPool.Id)
	res.Issuer = e.Cognito + "/" + res.PoolID
	client, err := idp.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{
		UserPoolId: &res.PoolID,
		ClientName: aws.String("portal"),
		ExplicitAuthFlows: []ciptypes.ExplicitAuthFlowsType{
			ciptypes.ExplicitAuthFlowsTypeAllowUserPasswordAuth, ciptypes.ExplicitAuthFlowsTypeAllowRefreshTokenAuth,
		},
		PreventUserExistenceErrors: ciptypes.PreventUserExistenceErrorTypesEnabled,
		EnableTokenRevocation:      aws.Bool(true),
	})
	if err != nil {
		return res, fmt.Errorf("stack: create user pool client: %w", err)
	}
	res.ClientID = aws.ToString(client.UserPoolClient.ClientId)
	for _, g := range []string{routes.GroupOperators, routes.GroupPartners, routes.GroupInspectors} {
		if _, err := idp.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: &res.PoolID, GroupName: aws.String(g)}); err != nil {
			return res, fmt.Errorf("stack: create group %s: %w", g, err)
		}
	}
	s3c := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	if _, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &bucket}); err != nil {
		return res, fmt.Errorf("stack: create bucket: %w", err)
	}
	return res, nil
}

// CreateTable creates the table with its indexes and stream, as infra/cdk does.
func CreateTable(ctx context.Context, db *dynamodb.Client, name string) error {
	s := func(n string) ddbtypes.AttributeDefinition {
		return ddbtypes.AttributeDefinition{AttributeName: aws.String(n), AttributeType: ddbtypes.ScalarAttributeTypeS}
	}
	gsi := func(n string) ddbtypes.GlobalSecondaryIndex {
		return ddbtypes.GlobalSecondaryIndex{
			IndexName: aws.String(n),
			KeySchema: []ddbtypes.KeySchemaElement{
				{AttributeName: aws.String(n + "PK"), KeyType: ddbtypes.KeyTypeHash},
				{AttributeName: aws.String(n + "SK"), KeyType: ddbtypes.KeyTypeRange},
			},
			Projection: &ddbtypes.Projection{ProjectionType: ddbtypes.ProjectionTypeAll},
		}
	}
	_, err := db.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            &name,
		BillingMode:          ddbtypes.BillingModePayPerRequest,
		AttributeDefinitions: []ddbtypes.AttributeDefinition{s("PK"), s("SK"), s("GSI1PK"), s("GSI1SK"), s("GSI2PK"), s("GSI2SK")},
		KeySchema: []ddbtypes.KeySchemaElement{
			{AttributeName: aws.String("PK"), KeyType: ddbtypes.KeyTypeHash},
			{AttributeName: aws.String("SK"), KeyType: ddbtypes.KeyTypeRange},
		},
		GlobalSecondaryIndexes: []ddbtypes.GlobalSecondaryIndex{gsi(store.GSI1), gsi(store.GSI2)},
		StreamSpecification:    &ddbtypes.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: ddbtypes.StreamViewTypeNewImage},
	})
	var inUse *ddbtypes.ResourceInUseException
	if errors.As(err, &inUse) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("stack: create table: %w", err)
	}
	return nil
}

// Staff are the seeded staff accounts: e-mail, Cognito group and, for
// partners and inspectors, the organization they belong to.
var Staff = []auth.Staff{
	{Email: "operator@example.com", Group: routes.GroupOperators},
	{Email: "partner@example.com", Group: routes.GroupPartners, OrganizationID: "mosir", OrganizationName: "MOSiR"},
	{Email: "inspector@example.com", Group: routes.GroupInspectors, OrganizationID: "ztm-kontrola", OrganizationName: "ZTM — kontrola biletów"},
}

// Seed writes the dictionaries and the staff accounts with one password. Staff
// accounts are made as every account is: e-mail claim first (see
// auth.CreateStaff), so registration can never take one.
func Seed(ctx context.Context, d *platform.Deps, staffPassword string) error {
	if err := dictionary.Seed(ctx, store.Of(d)); err != nil {
		return err
	}
	for _, s := range Staff {
		if _, err := auth.CreateStaff(ctx, d, s, staffPassword); err != nil {
			return fmt.Errorf("stack: staff account %s: %w", s.Email, err)
		}
	}
	return nil
}
