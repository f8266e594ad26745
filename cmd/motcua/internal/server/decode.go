package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"motcua/internal/msg"
)

// maxBody is the largest request body accepted.
const maxBody = 64 << 10

// decode reads exactly one JSON object into v: unknown fields, trailing data,
// wrong types and bodies over 64 KiB are refused with 400, a body that is
// not sent as application/json with 415 (a cross-site form can post
// text/plain without asking), before anything is changed. An empty body is
// an empty object, whatever its type.
func decode(c *gin.Context, v any) error {
	body := http.MaxBytesReader(c.Writer, c.Request.Body, maxBody)
	data, err := io.ReadAll(body)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return errBodyTooLarge
		}
		return fmt.Errorf("%w: %w", errMalformedJSON, err)
	}
	if strings.TrimSpace(string(data)) != "" && !jsonBody(c) {
		return errNotJSON
	}
	return decodeJSON(data, v)
}

// decodeJSON reads data, a JSON object, into v as strictly as decode.
func decodeJSON(data []byte, v any) error {
	if strings.TrimSpace(string(data)) == "" {
		data = []byte("{}")
	}
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return badJSON(err)
	}
	if dec.More() {
		return errTrailingJSON
	}
	return nil
}

func badJSON(err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return invalid(msg.FieldType, te.Field)
	}
	if text := err.Error(); strings.HasPrefix(text, "json: unknown field ") {
		return invalid(msg.UnknownField, strings.TrimPrefix(text, "json: unknown field "))
	}
	return fmt.Errorf("%w: %w", errMalformedJSON, err)
}
