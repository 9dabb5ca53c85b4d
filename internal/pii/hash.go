package pii

import (
	"database/sql/driver"
	"fmt"
)

// Hash is a keyed hash (Sealer.Index): 16 raw bytes. It is stored as they
// are (BLOB on SQLite, bytea on PostgreSQL), not as 32 hexadecimal
// characters: two of these indexes take a random leaf of their B-tree for
// every row an import writes, and halving their entries made a SQLite
// import into a million-person city 8–12 % faster (docs/PERFORMANCE.md).
//
// The zero Hash stands for no value (a person without a phone) and is
// stored empty (a zero-length BLOB or bytea; NULL would need the columns
// rebuilt, and the empty text earlier rows hold cannot be written to a
// bytea by PostgreSQL's binary COPY). A Hash is comparable, so it can key
// a map.
type Hash [IndexBytes]byte

// IndexBytes is the length of a Hash.
const IndexBytes = 16

// IsZero reports whether h stands for no value.
func (h Hash) IsZero() bool { return h == Hash{} }

// Value implements driver.Valuer.
func (h Hash) Value() (driver.Value, error) {
	if h.IsZero() {
		return []byte{}, nil // not nil, which would be NULL
	}
	return h[:], nil
}

// Scan implements sql.Scanner: 16 bytes, or an empty value (or NULL) for
// the zero Hash.
func (h *Hash) Scan(src any) error {
	var b []byte
	switch v := src.(type) {
	case nil:
	case []byte:
		b = v
	case string:
		b = []byte(v)
	default:
		return fmt.Errorf("pii: scan %T into a Hash", src)
	}
	switch len(b) {
	case 0:
		*h = Hash{}
	case IndexBytes:
		copy(h[:], b)
	default:
		return fmt.Errorf("pii: scan %d bytes into a Hash", len(b))
	}
	return nil
}
