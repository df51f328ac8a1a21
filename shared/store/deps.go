package store

import (
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/kartamieszkanca/platform/shared/platform"
)

// table is the function's dependency (platform.Dep): built once, on first use.
var table = platform.Dep[*Table]{Build: newTable}

func newTable(d *platform.Deps) *Table {
	opts := platform.OptionsOf(d, func(o *dynamodb.Options) {
		if ep := d.Endpoint("DYNAMODB"); ep != nil {
			o.BaseEndpoint = ep
			// DynamoDB Local answers without CRC32 checksums.
			o.DisableValidateResponseChecksum = true
		}
	})
	return &Table{DB: dynamodb.NewFromConfig(d.AWS, opts...), Name: d.Config.TableName, Now: d.Now}
}

// Of is the function's table, built on first use.
func Of(d *platform.Deps) *Table {
	return table.Of(d)
}
