package event

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"path"
	"strings"
	"time"
	"unicode/utf8"

	"qinggong/internal/audit"
	"qinggong/internal/auth"
	"qinggong/internal/db"
	"qinggong/internal/errs"
)

// An event's materials: slides and handouts the organizer uploads, for
// whoever may see the event. Files are kept in the database (as
// nomination attachments are), checked by their content, not their name.

// Limits of materials.
const (
	MaxMaterial  = 10 << 20 // bytes per file
	MaxMaterials = 20       // files per event
)

// materialTypes are the accepted types by sniffed content. Office files
// (.docx, .pptx, .xlsx) sniff as ZIP and are told apart by their name.
var materialTypes = map[string]string{"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}

var officeTypes = map[string]string{
	".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
	".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

// Material is one file of an event (without its bytes unless read whole).
type Material struct {
	ID         int64     `json:"id"`
	EventID    int64     `json:"event_id"`
	Name       string    `json:"name"`
	Type       string    `json:"type"`
	Size       int       `json:"size"`
	UploadedAt time.Time `json:"uploaded_at"`
	Data       []byte    `json:"-"`
}

// materialType names a file's type from its content (and, for Office
// files, its extension); "" when it is not accepted.
func materialType(name string, data []byte) string {
	if t := http.DetectContentType(data); materialTypes[t] != "" {
		return t
	}
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		return officeTypes[strings.ToLower(path.Ext(name))]
	}
	return ""
}

// cleanName is a file name safe to send back in a header.
func cleanName(name string) string {
	name = path.Base(strings.ReplaceAll(strings.TrimSpace(name), "\\", "/"))
	if name == "." || name == "/" || utf8.RuneCountInString(name) > 100 || strings.ContainsAny(name, "\"\r\n") {
		return ""
	}
	return name
}

// AddMaterial uploads a file to an event the actor organizes.
func (s *Service) AddMaterial(ctx context.Context, by *auth.Actor, eventID int64, name string, data []byte) (*Material, error) {
	e, err := s.managed(ctx, s.db.R(), by, eventID)
	if err != nil {
		return nil, err
	}
	name = cleanName(name)
	typ := materialType(name, data)
	switch {
	case len(data) == 0:
		return nil, (errs.Fields{"file": "err.required"}).Err()
	case len(data) > MaxMaterial:
		return nil, (errs.Fields{"file": "err.file_too_large"}).Err()
	case typ == "":
		return nil, (errs.Fields{"file": "err.event_material_type"}).Err()
	case name == "":
		name = "material" + materialTypes[typ] // an Office file is only known by its name
	}
	m := &Material{EventID: e.ID, Name: name, Type: typ, Size: len(data), UploadedAt: s.now().UTC()}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM event_materials WHERE event_id = $1`, e.ID).Scan(&n); err != nil {
			return err
		}
		if n >= MaxMaterials {
			return errs.E(errs.Conflict, "err.event_materials_full")
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO event_materials (event_id, name, type, size, data, uploaded_by, uploaded_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, e.ID, name, typ, len(data), data, by.UserID, m.UploadedAt).Scan(&m.ID); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: "event.material.add", ObjectType: "event", ObjectID: e.ID, OrgID: e.OrgID,
			Summary: fmt.Sprintf("material=%d type=%s size=%d", m.ID, typ, len(data))})
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// Materials lists an event's files to whoever may see the event.
func (s *Service) Materials(ctx context.Context, by *auth.Actor, eventID int64) ([]Material, error) {
	if _, err := s.Get(ctx, by, eventID); err != nil {
		return nil, err
	}
	rows, err := s.db.R().QueryContext(ctx, `SELECT id, event_id, name, type, size, uploaded_at FROM event_materials
		WHERE event_id = $1 ORDER BY id`, eventID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Material{}
	for rows.Next() {
		var m Material
		if err := rows.Scan(&m.ID, &m.EventID, &m.Name, &m.Type, &m.Size, &m.UploadedAt); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// Material reads one file, with its bytes, for whoever may see its event.
func (s *Service) Material(ctx context.Context, by *auth.Actor, id int64) (*Material, error) {
	var m Material
	err := s.db.R().QueryRowContext(ctx, `SELECT id, event_id, name, type, size, uploaded_at, data FROM event_materials WHERE id = $1`, id).
		Scan(&m.ID, &m.EventID, &m.Name, &m.Type, &m.Size, &m.UploadedAt, &m.Data)
	if errors.Is(err, db.ErrNoRows) {
		return nil, errs.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	if _, err := s.Get(ctx, by, m.EventID); err != nil {
		return nil, err
	}
	return &m, nil
}

// RemoveMaterial deletes a file of an event the actor organizes.
func (s *Service) RemoveMaterial(ctx context.Context, by *auth.Actor, id int64) (*Material, error) {
	var m Material
	err := s.db.R().QueryRowContext(ctx, `SELECT id, event_id, name, type, size, uploaded_at FROM event_materials WHERE id = $1`, id).
		Scan(&m.ID, &m.EventID, &m.Name, &m.Type, &m.Size, &m.UploadedAt)
	if errors.Is(err, db.ErrNoRows) {
		return nil, errs.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	e, err := s.managed(ctx, s.db.R(), by, m.EventID)
	if err != nil {
		return nil, err
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM event_materials WHERE id = $1`, id); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: "event.material.remove", ObjectType: "event", ObjectID: e.ID, OrgID: e.OrgID,
			Summary: fmt.Sprintf("material=%d", id)})
	})
	if err != nil {
		return nil, err
	}
	return &m, nil
}
