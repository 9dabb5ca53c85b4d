package db

import (
	"context"
	"embed"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
)

//go:embed migrations
var migrations embed.FS

// Migrate applies every embedded migration not yet applied. Migrations are
// forward-only and never edited after they land.
func (d *DB) Migrate(ctx context.Context) error {
	p, err := d.migrations()
	if err != nil {
		return fmt.Errorf("db: migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("db: migrate: %w", err)
	}
	return nil
}

// migrateTo applies the migrations up to and including version (tests of a
// migration start from the schema before it).
func (d *DB) migrateTo(ctx context.Context, version int64) error {
	p, err := d.migrations()
	if err == nil {
		_, err = p.UpTo(ctx, version)
	}
	return err
}

// migrations is the embedded migrations of d's dialect.
func (d *DB) migrations() (*goose.Provider, error) {
	dialect := goose.DialectSQLite3
	if d.Dialect == Postgres {
		dialect = goose.DialectPostgres
	}
	sub, err := fs.Sub(migrations, "migrations/"+d.Dialect.String())
	if err != nil {
		return nil, err
	}
	return goose.NewProvider(dialect, d.write, sub)
}
