-- +goose Up
-- The auditor's search by name finds the rows about one person, organization
-- or import: newest first, one index range per record (audit.Find).
CREATE INDEX audit_object ON audit(object_type, object_id, seq);

-- +goose Down
DROP INDEX audit_object;
