-- Version 6: undo and redo of a variant's edits, kept with the variant so they survive a restart.
-- Each row is the timeline as it was before an edit (undo) or before an undo (redo); `label`
-- names the edit ("Split", "Caption text", …). Bounded per variant by the code that writes it.
CREATE TABLE clip_history (
    clip_id    TEXT NOT NULL REFERENCES clips(id) ON DELETE CASCADE,
    stack      TEXT NOT NULL CHECK (stack IN ('undo', 'redo')),
    seq        INTEGER NOT NULL,
    label      TEXT NOT NULL,
    timeline   TEXT NOT NULL,
    PRIMARY KEY (clip_id, stack, seq)
);
