package main

import (
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"
	"github.com/kartamieszkanca/platform/shared/routes"
)

func TestIdentity(t *testing.T) {
	f := dev(t)
	check(t, "user pool", func() {
		f.parent.HasResourceProperties(jsii.String("AWS::Cognito::UserPool"), obj(map[string]interface{}{
			"UsernameAttributes":    []interface{}{"email"},
			"AdminCreateUserConfig": map[string]interface{}{"AllowAdminCreateUserOnly": true},
			"Policies": map[string]interface{}{"PasswordPolicy": assertions.Match_ObjectLike(obj(map[string]interface{}{
				"MinimumLength":    12,
				"RequireLowercase": false,
				"RequireUppercase": false,
				"RequireNumbers":   false,
				"RequireSymbols":   false,
			}))},
			"Schema": assertions.Match_ArrayWith(&[]interface{}{assertions.Match_ObjectLike(obj(map[string]interface{}{
				"Name": "registration", "AttributeDataType": "String", "Mutable": false,
			}))}),
			"AccountRecoverySetting": map[string]interface{}{"RecoveryMechanisms": []interface{}{
				map[string]interface{}{"Name": "verified_email", "Priority": 1},
			}},
		}))
	})
	check(t, "dev pool is destroyable", func() {
		f.parent.HasResource(jsii.String("AWS::Cognito::UserPool"), obj(map[string]interface{}{
			"DeletionPolicy": "Delete",
			"Properties":     assertions.Match_ObjectLike(obj(map[string]interface{}{"DeletionProtection": "INACTIVE"})),
		}))
	})
	p := prod(t)
	check(t, "prod pool: deletion protection, retained", func() {
		p.parent.HasResource(jsii.String("AWS::Cognito::UserPool"), obj(map[string]interface{}{
			"DeletionPolicy": "Retain",
			"Properties":     assertions.Match_ObjectLike(obj(map[string]interface{}{"DeletionProtection": "ACTIVE"})),
		}))
	})
	for _, g := range []string{routes.GroupOperators, routes.GroupPartners, routes.GroupInspectors} {
		check(t, "group "+g, func() {
			f.parent.HasResourceProperties(jsii.String("AWS::Cognito::UserPoolGroup"), obj(map[string]interface{}{"GroupName": g}))
		})
	}
	check(t, "three groups", func() { f.parent.ResourceCountIs(jsii.String("AWS::Cognito::UserPoolGroup"), jsii.Number(3)) })
	check(t, "app client", func() {
		f.parent.HasResourceProperties(jsii.String("AWS::Cognito::UserPoolClient"), obj(map[string]interface{}{
			"ExplicitAuthFlows":          []interface{}{"ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"},
			"GenerateSecret":             false,
			"PreventUserExistenceErrors": "ENABLED",
			"EnableTokenRevocation":      true,
			"AccessTokenValidity":        15,
			"IdTokenValidity":            15,
			"RefreshTokenValidity":       43200,
			"TokenValidityUnits": map[string]interface{}{
				"AccessToken": "minutes", "IdToken": "minutes", "RefreshToken": "minutes",
			},
			"AllowedOAuthFlowsUserPoolClient": false,
		}))
	})
	check(t, "one client", func() { f.parent.ResourceCountIs(jsii.String("AWS::Cognito::UserPoolClient"), jsii.Number(1)) })
}
