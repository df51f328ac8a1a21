package upload

import (
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/kartamieszkanca/platform/shared/platform"
)

// s3Client is the function's dependency (platform.Dep): built once, on first use.
var s3Client = platform.Dep[*s3.Client]{Build: newS3Client}

func newS3Client(d *platform.Deps) *s3.Client {
	return s3.NewFromConfig(d.AWS, platform.OptionsOf(d, func(o *s3.Options) {
		if ep := d.Endpoint("S3"); ep != nil {
			o.BaseEndpoint = ep
			// The local S3 serves buckets by path only.
			o.UsePathStyle = true
		}
	})...)
}

// S3 is the client of the files bucket (Config.FilesBucket), built on first use.
func S3(d *platform.Deps) *s3.Client {
	return s3Client.Of(d)
}

// presigner signs S3 requests for clients to send themselves (presigned POST)
// with the S3 client's settings; it makes no network call. Presigned GETs
// need no S3 client (presignGet).
func presigner(d *platform.Deps) *s3.PresignClient { return s3.NewPresignClient(S3(d)) }
