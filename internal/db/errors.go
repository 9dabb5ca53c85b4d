package db

import (
	"database/sql"
	"errors"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
)

// ErrNoRows is sql.ErrNoRows, re-exported so stores need not import database/sql for it.
var ErrNoRows = sql.ErrNoRows

// SQLite extended result codes (sqlite3.h).
const (
	sqliteConstraintFK     = 787
	sqliteConstraintPK     = 1555
	sqliteConstraintUnique = 2067
)

func sqliteCode(err error) int {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code()
	}
	return 0
}

func pgCode(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

// IsUniqueViolation reports whether err is a unique or primary-key violation.
func IsUniqueViolation(err error) bool {
	c := sqliteCode(err)
	return c == sqliteConstraintUnique || c == sqliteConstraintPK || pgCode(err) == "23505"
}

// IsForeignKeyViolation reports whether err is a foreign-key violation.
func IsForeignKeyViolation(err error) bool {
	return sqliteCode(err) == sqliteConstraintFK || pgCode(err) == "23503"
}
