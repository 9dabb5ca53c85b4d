package pii

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
)

// Sealer encrypts identifiers for storage (AES-256-GCM, a fresh nonce per
// value, the key's ID in front so keys can rotate) and computes the keyed
// hash stored beside them for exact search and uniqueness. The two keys are
// separate; neither lives in the database.
type Sealer struct {
	keyID byte
	aead  cipher.AEAD
	mac   []byte
}

// NewSealer returns a Sealer for a 32-byte encryption key and a MAC key.
func NewSealer(keyID byte, encKey, macKey []byte) (*Sealer, error) {
	if len(encKey) != 32 || len(macKey) < 32 {
		return nil, errors.New("pii: want a 32-byte encryption key and a MAC key of at least 32 bytes")
	}
	block, err := aes.NewCipher(encKey)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Sealer{keyID: keyID, aead: aead, mac: macKey}, nil
}

// Seal encrypts plain; field names the column, bound into the ciphertext
// so a value cannot be moved to another column unnoticed.
func (s *Sealer) Seal(field, plain string) []byte {
	nonce := make([]byte, s.aead.NonceSize())
	rand.Read(nonce)
	out := append([]byte{s.keyID}, nonce...)
	return s.aead.Seal(out, nonce, []byte(plain), []byte(field))
}

// Open decrypts a value sealed for field; a changed byte, another field or
// an unknown key fails.
func (s *Sealer) Open(field string, sealed []byte) (string, error) {
	n := s.aead.NonceSize()
	if len(sealed) < 1+n+s.aead.Overhead() {
		return "", errors.New("pii: sealed value too short")
	}
	if sealed[0] != s.keyID {
		return "", fmt.Errorf("pii: sealed with key %d, have key %d", sealed[0], s.keyID)
	}
	plain, err := s.aead.Open(nil, sealed[1:1+n], sealed[1+n:], []byte(field))
	if err != nil {
		return "", errors.New("pii: sealed value fails authentication")
	}
	return string(plain), nil
}

// Index is the keyed hash of a normalised value for field: equal values
// give equal indexes, and without the key the index reveals nothing
// (an ID number's small space makes a plain hash reversible).
//
// It is HMAC-SHA256 truncated to 128 bits (as RFC 4868 truncates it). A
// collision among the ten million people a city may hold has a chance of
// about 2^-82.
func (s *Sealer) Index(field, normalized string) Hash {
	m := hmac.New(sha256.New, s.mac)
	m.Write([]byte(field))
	m.Write([]byte{0})
	m.Write([]byte(normalized))
	var h Hash
	copy(h[:], m.Sum(nil))
	return h
}
