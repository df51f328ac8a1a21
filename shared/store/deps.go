package store

import (
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/kartamieszkanca/platform/shared/platform"
)

// Of is the function's table, built on first use.
func Of(d *platform.Deps) *Table {
	return platform.Client(d, "table", func() *Table {
		opts := platform.OptionsOf(d, func(o *dynamodb.Options) {
			if ep := d.Endpoint("DYNAMODB"); ep != nil {
				o.BaseEndpoint = ep
				// DynamoDB Local answers without CRC32 checksums.
				o.DisableValidateResponseChecksum = true
			}
		})
		return &Table{DB: dynamodb.NewFromConfig(d.AWS, opts...), Name: d.Config.TableName, Now: d.Now}
	})
}
