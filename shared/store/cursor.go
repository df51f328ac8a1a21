package store

import (
	"encoding/base64"
	"encoding/json"
	"errors"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// ErrBadCursor: a cursor that this API did not make.
var ErrBadCursor = errors.New("store: bad cursor")

// EncodeCursor makes the opaque cursor of a list from DynamoDB's last key (all
// key attributes of this table are strings).
func EncodeCursor(k map[string]types.AttributeValue) *string {
	if len(k) == 0 {
		return nil
	}
	m := map[string]string{}
	for name, v := range k {
		if s, ok := v.(*types.AttributeValueMemberS); ok {
			m[name] = s.Value
		}
	}
	b, _ := json.Marshal(m)
	c := base64.RawURLEncoding.EncodeToString(b)
	return &c
}

// DecodeCursor reads a cursor; the query it is used with checks it belongs to
// the same partition (DynamoDB refuses a start key from another one).
func DecodeCursor(c string) (map[string]types.AttributeValue, error) {
	if c == "" {
		return nil, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return nil, ErrBadCursor
	}
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil || len(m) == 0 || len(m) > 4 {
		return nil, ErrBadCursor
	}
	out := map[string]types.AttributeValue{}
	for k, v := range m {
		switch k {
		case "PK", "SK", "GSI1PK", "GSI1SK", "GSI2PK", "GSI2SK":
			out[k] = &types.AttributeValueMemberS{Value: v}
		default:
			return nil, ErrBadCursor
		}
	}
	return out, nil
}
