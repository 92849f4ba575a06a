-- Version 3: footage analysis, cached per content (a copy of a file at another path, or the same
-- file after a move, is not analysed twice), and small app-wide settings.
CREATE TABLE analyses (
    content_hash      TEXT NOT NULL,
    analyzer_version  INTEGER NOT NULL,
    duration_s        REAL NOT NULL,
    scene_cuts        TEXT NOT NULL,           -- JSON array of seconds
    integrated_lufs   REAL,
    frames            BLOB NOT NULL,           -- per sampled frame, fixed-size records
    loudness          BLOB NOT NULL,           -- momentary LUFS every 100 ms, f32 little-endian
    created_at        TEXT NOT NULL,
    PRIMARY KEY (content_hash, analyzer_version)
);

CREATE TABLE app_settings (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);
