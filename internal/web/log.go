package web

import (
	"context"
	"io"
	"log/slog"

	"qinggong/internal/audit"
)

// NewLogger is the instance's one logger: JSON lines on w, each record
// logged with a context carrying a request's ID (see LogHandler) naming it.
// The command line makes it the process's default, so the background work a
// request started (imports), logging through slog.ErrorContext, lands there
// too.
func NewLogger(w io.Writer) *slog.Logger {
	return slog.New(LogHandler(slog.NewJSONHandler(w, nil)))
}

// LogHandler wraps h to add request_id to every record whose context
// carries one. The ID travels in the audit metadata (audit.Meta.RequestID),
// which the request log middleware sets and which background work keeps
// when it leaves the request (audit.WithMeta(context.Background(), …)), so
// packages without net/http need nothing but slog.*Context calls.
func LogHandler(h slog.Handler) slog.Handler {
	if _, ok := h.(ridHandler); ok {
		return h
	}
	return ridHandler{h}
}

type ridHandler struct{ slog.Handler }

func (h ridHandler) Handle(ctx context.Context, r slog.Record) error {
	if id := audit.MetaFrom(ctx).RequestID; id != "" {
		r.AddAttrs(slog.String("request_id", id))
	}
	return h.Handler.Handle(ctx, r)
}

func (h ridHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return ridHandler{h.Handler.WithAttrs(as)}
}

func (h ridHandler) WithGroup(name string) slog.Handler {
	return ridHandler{h.Handler.WithGroup(name)}
}

type logKey struct{}

// Logger is the logger of the request in ctx (the one Chain was given,
// with request IDs), or the process's default outside a request.
func Logger(ctx context.Context) *slog.Logger {
	if l, ok := ctx.Value(logKey{}).(*slog.Logger); ok {
		return l
	}
	return slog.Default()
}
