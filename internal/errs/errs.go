// Package errs is the small vocabulary of error kinds that services return
// and the web edge translates into status codes, once. A message is a key of
// the message catalog, so the edge can say it in the user's language; the
// wrapped cause is for logs only and never shown.
package errs

import (
	"errors"
	"fmt"
)

// Kind classifies an error for the edge.
type Kind int

const (
	Internal Kind = iota
	Invalid
	NotFound
	Conflict
	Forbidden
	Unauthorized
	Locked
	TooMany
)

// Error is a classified error. Msg and the values of Fields are catalog keys.
type Error struct {
	Kind   Kind
	Msg    string
	Fields map[string]string
	Cause  error
}

func (e *Error) Error() string {
	s := e.Msg
	if len(e.Fields) > 0 {
		s += fmt.Sprintf(" %v", e.Fields)
	}
	if e.Cause != nil {
		s += ": " + e.Cause.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Cause }

// E builds an error of kind k with catalog key msg.
func E(k Kind, msg string) *Error { return &Error{Kind: k, Msg: msg} }

// Wrap classifies cause as kind k with catalog key msg.
func Wrap(k Kind, msg string, cause error) *Error { return &Error{Kind: k, Msg: msg, Cause: cause} }

// KindOf returns the kind of err, Internal for unclassified errors.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return Internal
}

// As returns err as *Error when it is one.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// Fields collects field-level validation messages. Its zero value is ready.
type Fields map[string]string

// Add records msg for field unless the field already has a message.
func (f *Fields) Add(field, msg string) {
	if *f == nil {
		*f = Fields{}
	}
	if _, ok := (*f)[field]; !ok {
		(*f)[field] = msg
	}
}

// Err is nil when no field failed, otherwise an Invalid error carrying them.
func (f Fields) Err() error {
	if len(f) == 0 {
		return nil
	}
	return &Error{Kind: Invalid, Msg: "err.invalid", Fields: f}
}

// NotFoundf is the NotFound error every store returns for a missing or
// out-of-scope object; the two are deliberately indistinguishable.
var ErrNotFound = E(NotFound, "err.not_found")
