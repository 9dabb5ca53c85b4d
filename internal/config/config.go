// Package config is the one typed options table of Qinggong, loaded from
// flags and QG_* environment variables and validated at start.
package config

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Config holds every option. Flags win over the environment, which wins
// over the defaults.
type Config struct {
	Addr          string
	DB            string
	SecretFile    string
	Demo          bool
	IdleTimeout   time.Duration
	SessionMax    time.Duration
	AdminPassword string
}

// Default is the configuration with nothing set.
func Default() Config {
	return Config{Addr: "127.0.0.1:8080", DB: "sqlite:./data/qinggong.db", IdleTimeout: 30 * time.Minute, SessionMax: 12 * time.Hour}
}

// FromEnv applies QG_* variables to c.
func (c *Config) FromEnv() error {
	str := func(name string, dst *string) {
		if v, ok := os.LookupEnv(name); ok && v != "" {
			*dst = v
		}
	}
	str("QG_ADDR", &c.Addr)
	str("QG_DB", &c.DB)
	str("QG_SECRET_FILE", &c.SecretFile)
	str("QG_ADMIN_PASSWORD", &c.AdminPassword)
	for name, dst := range map[string]*time.Duration{"QG_IDLE_TIMEOUT": &c.IdleTimeout, "QG_SESSION_MAX": &c.SessionMax} {
		if v := os.Getenv(name); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			*dst = d
		}
	}
	return nil
}

// DBFlags registers the database flags on fs (every command has them).
func (c *Config) DBFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.DB, "db", c.DB, "database: sqlite:PATH or postgres://… (env QG_DB)")
}

// ServeFlags registers the server flags on fs.
func (c *Config) ServeFlags(fs *flag.FlagSet) {
	c.DBFlags(fs)
	fs.StringVar(&c.Addr, "addr", c.Addr, "listen address (env QG_ADDR)")
	fs.BoolVar(&c.Demo, "demo", false, "load demo data into an empty database")
	fs.DurationVar(&c.IdleTimeout, "idle-timeout", c.IdleTimeout, "session idle timeout (env QG_IDLE_TIMEOUT)")
	fs.DurationVar(&c.SessionMax, "session-max", c.SessionMax, "absolute session lifetime (env QG_SESSION_MAX)")
}

// Validate checks the options.
func (c *Config) Validate() error {
	var errs []error
	if !strings.HasPrefix(c.DB, "sqlite:") && !strings.HasPrefix(c.DB, "postgres://") && !strings.HasPrefix(c.DB, "postgresql://") {
		errs = append(errs, fmt.Errorf("--db %q: want sqlite:PATH or postgres://…", c.DB))
	}
	if c.IdleTimeout < time.Minute || c.SessionMax < c.IdleTimeout {
		errs = append(errs, errors.New("timeouts: idle must be ≥ 1m and the absolute lifetime ≥ idle"))
	}
	return errors.Join(errs...)
}

// SecretPath is where the key material lives: QG_SECRET_FILE, else beside
// the SQLite file, else ./data/qinggong.key.
func (c *Config) SecretPath() string {
	if c.SecretFile != "" {
		return c.SecretFile
	}
	if p, ok := strings.CutPrefix(c.DB, "sqlite:"); ok {
		return filepath.Join(filepath.Dir(p), "qinggong.key")
	}
	return filepath.Join("data", "qinggong.key")
}

// LoadSecret reads the key material, generating 32 random bytes (0600) on
// first start. It reports whether it created the file.
func LoadSecret(path string) ([]byte, bool, error) {
	b, err := os.ReadFile(path)
	if err == nil {
		key, err := hex.DecodeString(strings.TrimSpace(string(b)))
		if err != nil || len(key) < 32 {
			return nil, false, fmt.Errorf("secret %s: want at least 64 hex digits", path)
		}
		return key, false, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, false, err
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, false, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, false, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, false, err
	}
	defer f.Close()
	if _, err := f.WriteString(hex.EncodeToString(key) + "\n"); err != nil {
		return nil, false, err
	}
	return key, true, f.Close()
}

// Derive returns a purpose-bound key from the secret, so that the audit
// chain, field encryption and other uses never share a key.
func Derive(secret []byte, purpose string) []byte {
	h := hmac.New(sha256.New, secret)
	h.Write([]byte("qinggong/" + purpose))
	return h.Sum(nil)
}
