-- Version 4: what each export was made with and measured as, so a variant lists its exports with
-- their numbers and encoder.
ALTER TABLE exports ADD COLUMN preset_name TEXT;
ALTER TABLE exports ADD COLUMN encoder TEXT;
ALTER TABLE exports ADD COLUMN width INTEGER;
ALTER TABLE exports ADD COLUMN height INTEGER;
ALTER TABLE exports ADD COLUMN fps REAL;
ALTER TABLE exports ADD COLUMN gain_db REAL;
CREATE INDEX exports_by_clip ON exports (clip_id, created_at);
