package upload

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/kartamieszkanca/platform/shared/config"
	"github.com/kartamieszkanca/platform/shared/platform"
)

// R14.4, R4.3: a presigned GET signed with the core SigV4 signer is the very
// link S3's presign client makes for GetObject, on the local S3 (path style)
// and in AWS (virtual-hosted, temporary credentials), so S3 accepts it as it
// accepted the client's. (The API tests fetch such links from the local S3,
// which does not check signatures; this pins the signature itself.)
func TestPresignGetIsTheS3ClientsLink(t *testing.T) {
	for _, c := range []struct {
		name, endpoint, token, key string
	}{
		{"local S3, path style", "http://127.0.0.1:4566", "", KeptPrefix + "01JPROFILE/01JUPLOAD"},
		{"AWS, virtual-hosted, session token", "", "session-token", KeptPrefix + "01JPROFILE/01JUPLOAD"},
		{"a key to escape", "", "", "kept/a b+c=d&e/zdjęcie~(1).jpg"},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			d := platform.New(config.Config{FilesBucket: "karta-files-1a2b3c", LogLevel: "error"}, aws.Config{
				Region:      "eu-central-1",
				Credentials: credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", c.token),
			})
			d.Env = func(k string) string {
				if k == "AWS_ENDPOINT_URL_S3" {
					return c.endpoint
				}
				return ""
			}
			key := c.key
			contentType, disposition := "image/jpeg", `inline; filename="01JUPLOAD.jpg"`
			want, err := presigner(d).PresignGetObject(ctx, &s3.GetObjectInput{
				Bucket: aws.String(d.Config.FilesBucket), Key: aws.String(key),
				ResponseContentType: aws.String(contentType), ResponseContentDisposition: aws.String(disposition),
			}, s3.WithPresignExpires(GetTTL))
			if err != nil {
				t.Fatal(err)
			}
			wu, err := url.Parse(want.URL)
			if err != nil {
				t.Fatal(err)
			}
			at, err := time.Parse("20060102T150405Z", wu.Query().Get("X-Amz-Date"))
			if err != nil {
				t.Fatal(err)
			}
			got, err := presignGet(ctx, d, key, contentType, disposition, GetTTL, at)
			if err != nil {
				t.Fatal(err)
			}
			if got != want.URL {
				t.Fatalf("presigned GET\n got %s\nwant %s", got, want.URL)
			}
		})
	}
}
