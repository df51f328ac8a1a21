package cases

import (
	"context"

	"github.com/kartamieszkanca/platform/shared/platform"
	"github.com/kartamieszkanca/platform/shared/upload"
)

// messageViews are messages with short-lived links to their attachments
// (presigned here, without a read: the message holds each file's key and type).
func messageViews(ctx context.Context, d *platform.Deps, msgs []Message) ([]MessageView, error) {
	out := make([]MessageView, 0, len(msgs))
	for _, m := range msgs {
		v := MessageView{MessageID: m.MessageID, From: m.From, Body: m.Body, CreatedAt: m.CreatedAt, Attachments: []AttachmentView{}}
		for _, a := range m.Attachments {
			url, _, err := upload.PresignGet(ctx, d, &upload.Upload{UploadID: a.UploadID, Purpose: upload.Attachment,
				ContentType: a.ContentType, Size: a.Size, ObjectKey: a.ObjectKey})
			if err != nil {
				return nil, err
			}
			v.Attachments = append(v.Attachments, AttachmentView{UploadID: a.UploadID, ContentType: a.ContentType, Size: a.Size, URL: url})
		}
		out = append(out, v)
	}
	return out, nil
}

// detail is a resident's view of a case with a page of messages; next is the
// cursor to older ones.
func detail(ctx context.Context, d *platform.Deps, c *Case, msgs []Message, next *string) (Detail, error) {
	mv, err := messageViews(ctx, d, msgs)
	if err != nil {
		return Detail{}, err
	}
	return Detail{View: caseView(c), Messages: mv, NextCursor: next}, nil
}

func operatorDetail(ctx context.Context, d *platform.Deps, c *Case, msgs []Message, next *string) (OperatorDetail, error) {
	mv, err := messageViews(ctx, d, msgs)
	if err != nil {
		return OperatorDetail{}, err
	}
	return OperatorDetail{OperatorView: operatorView(c), Messages: mv, NextCursor: next}, nil
}

// MessagePage is a page of messages with the cursor to older ones.
type MessagePage struct {
	Items      []MessageView `json:"items"`
	NextCursor *string       `json:"nextCursor"`
}

// olderCursor is the cursor after the last message of a page that has more.
func olderCursor(r ref, msgs []Message, more bool) *string {
	if !more || len(msgs) == 0 {
		return nil
	}
	return cursorAt(r.ownerPK, msgs[len(msgs)-1].SK)
}
