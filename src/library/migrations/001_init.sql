-- Edit Factory library schema, version 1 (SPEC §2). Times are UTC, RFC 3339 text.
-- IDs are UUIDv7 text (sortable by creation time).

CREATE TABLE profiles (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL UNIQUE,
    description     TEXT NOT NULL DEFAULT '',
    is_default      INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
    tts_settings    TEXT NOT NULL DEFAULT '{}',   -- JSON: provider, voice, model, stability, ...
    caption_style   TEXT NOT NULL DEFAULT '{}',   -- JSON: caption style defaults
    publishing      TEXT NOT NULL DEFAULT '{}',   -- JSON: publishing settings
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
-- Exactly one default profile: at most one by this index, at least one by the library code.
CREATE UNIQUE INDEX profiles_one_default ON profiles (is_default) WHERE is_default = 1;

CREATE TABLE projects (
    id                  TEXT PRIMARY KEY,
    profile_id          TEXT NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
    name                TEXT NOT NULL,
    description         TEXT NOT NULL DEFAULT '',
    status              TEXT NOT NULL DEFAULT 'draft'
                        CHECK (status IN ('draft', 'analysing', 'ready', 'rendering', 'done', 'failed')),
    target_duration_s   REAL NOT NULL DEFAULT 20 CHECK (target_duration_s BETWEEN 5 AND 180),
    context_text        TEXT NOT NULL DEFAULT '',
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
);
CREATE INDEX projects_by_profile ON projects (profile_id, created_at);

CREATE TABLE sources (
    id              TEXT PRIMARY KEY,
    profile_id      TEXT NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
    path            TEXT NOT NULL,               -- absolute, read in place
    content_hash    TEXT NOT NULL,
    size_bytes      INTEGER NOT NULL,
    mtime_ns        INTEGER NOT NULL,
    duration_s      REAL NOT NULL,
    width           INTEGER,
    height          INTEGER,
    rotation        INTEGER NOT NULL DEFAULT 0 CHECK (rotation IN (0, 90, 180, 270)),
    fps_num         INTEGER,
    fps_den         INTEGER,
    is_vfr          INTEGER NOT NULL DEFAULT 0,
    container       TEXT,
    video_codec     TEXT,
    audio_codec     TEXT,
    has_video       INTEGER NOT NULL,
    has_audio       INTEGER NOT NULL,
    audio_rate      INTEGER,
    audio_channels  INTEGER,
    thumbnail       TEXT,                        -- file name inside the library's thumbnail dir
    status          TEXT NOT NULL DEFAULT 'ok' CHECK (status IN ('ok', 'missing', 'changed')),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    UNIQUE (profile_id, path)
);
CREATE INDEX sources_by_hash ON sources (profile_id, content_hash);

-- Which sources a project uses (a source may serve several projects of its profile).
CREATE TABLE project_sources (
    project_id  TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    source_id   TEXT NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    added_at    TEXT NOT NULL,
    PRIMARY KEY (project_id, source_id)
);

CREATE TABLE segments (
    id              TEXT PRIMARY KEY,
    source_id       TEXT NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    start_s         REAL NOT NULL,
    end_s           REAL NOT NULL CHECK (end_s > start_s),
    origin          TEXT NOT NULL CHECK (origin IN ('auto', 'manual')),
    score_motion    REAL,
    score_variance  REAL,
    score_sharpness REAL,
    score_contrast  REAL,
    score_brightness REAL,
    score_combined  REAL,
    phash           INTEGER,
    keywords        TEXT NOT NULL DEFAULT '[]',  -- JSON array of strings
    notes           TEXT NOT NULL DEFAULT '',
    favorite        INTEGER NOT NULL DEFAULT 0,
    usage_count     INTEGER NOT NULL DEFAULT 0,
    thumbnail       TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX segments_by_source ON segments (source_id, start_s);

CREATE TABLE project_segments (
    project_id  TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    segment_id  TEXT NOT NULL REFERENCES segments (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    PRIMARY KEY (project_id, segment_id)
);

CREATE TABLE clips (
    id              TEXT PRIMARY KEY,
    project_id      TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    variant_index   INTEGER NOT NULL,
    name            TEXT NOT NULL,
    timeline        TEXT NOT NULL DEFAULT '{"version":1,"items":[]}',
    selected        INTEGER NOT NULL DEFAULT 0,
    status          TEXT NOT NULL DEFAULT 'draft',
    final_path      TEXT,
    publish_status  TEXT NOT NULL DEFAULT 'unpublished',
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX clips_by_project ON clips (project_id, variant_index);

CREATE TABLE clip_content (
    clip_id         TEXT PRIMARY KEY REFERENCES clips (id) ON DELETE CASCADE,
    script          TEXT NOT NULL DEFAULT '',
    voiceover_path  TEXT,
    captions        TEXT NOT NULL DEFAULT '[]',  -- JSON cues with word times
    caption_style   TEXT NOT NULL DEFAULT '{}',
    updated_at      TEXT NOT NULL
);

CREATE TABLE presets (
    id              TEXT PRIMARY KEY,
    profile_id      TEXT REFERENCES profiles (id) ON DELETE CASCADE,  -- NULL: built-in
    name            TEXT NOT NULL,
    width           INTEGER NOT NULL,
    height          INTEGER NOT NULL,
    fps_num         INTEGER NOT NULL,
    fps_den         INTEGER NOT NULL DEFAULT 1,
    video_settings  TEXT NOT NULL,               -- JSON
    audio_settings  TEXT NOT NULL,               -- JSON
    loudness_lufs   REAL NOT NULL DEFAULT -14,
    true_peak_dbtp  REAL NOT NULL DEFAULT -1,
    builtin         INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT NOT NULL,
    UNIQUE (profile_id, name)
);

CREATE TABLE exports (
    id              TEXT PRIMARY KEY,
    clip_id         TEXT NOT NULL REFERENCES clips (id) ON DELETE CASCADE,
    preset_id       TEXT REFERENCES presets (id) ON DELETE SET NULL,
    path            TEXT,
    size_bytes      INTEGER,
    duration_s      REAL,
    loudness_lufs   REAL,
    true_peak_dbtp  REAL,
    status          TEXT NOT NULL DEFAULT 'pending',
    created_at      TEXT NOT NULL,
    completed_at    TEXT
);

CREATE TABLE jobs (
    id              TEXT PRIMARY KEY,
    kind            TEXT NOT NULL,
    project_id      TEXT REFERENCES projects (id) ON DELETE SET NULL,
    payload         TEXT NOT NULL DEFAULT '{}',
    status          TEXT NOT NULL DEFAULT 'queued'
                    CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    max_attempts    INTEGER NOT NULL DEFAULT 3,
    progress        REAL NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 1),
    step            TEXT NOT NULL DEFAULT '',
    eta_s           REAL,
    error_kind      TEXT,
    error_message   TEXT,
    result          TEXT,
    cancel_requested INTEGER NOT NULL DEFAULT 0,
    not_before      TEXT,
    lease_owner     TEXT,
    lease_expires_at TEXT,
    created_at      TEXT NOT NULL,
    started_at      TEXT,
    finished_at     TEXT,
    updated_at      TEXT NOT NULL
);
CREATE INDEX jobs_by_status ON jobs (status, created_at);

CREATE TABLE cost_entries (
    id          TEXT PRIMARY KEY,
    profile_id  TEXT REFERENCES profiles (id) ON DELETE SET NULL,
    project_id  TEXT REFERENCES projects (id) ON DELETE SET NULL,
    job_id      TEXT REFERENCES jobs (id) ON DELETE SET NULL,
    service     TEXT NOT NULL,
    operation   TEXT NOT NULL,
    units       REAL NOT NULL,
    unit_price  REAL NOT NULL,
    cost        REAL NOT NULL,
    metadata    TEXT NOT NULL DEFAULT '{}',
    created_at  TEXT NOT NULL
);
CREATE INDEX cost_entries_by_time ON cost_entries (created_at);

CREATE TABLE publications (
    id              TEXT PRIMARY KEY,
    clip_id         TEXT NOT NULL REFERENCES clips (id) ON DELETE CASCADE,
    integration_ids TEXT NOT NULL DEFAULT '[]',
    caption         TEXT NOT NULL DEFAULT '',
    scheduled_at    TEXT,
    published_at    TEXT,
    remote_post_id  TEXT,
    status          TEXT NOT NULL DEFAULT 'pending',
    created_at      TEXT NOT NULL
);

CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    entity      TEXT NOT NULL,
    summary     TEXT NOT NULL DEFAULT '{}',   -- JSON before/after summary
    created_at  TEXT NOT NULL
);

CREATE TABLE project_locks (
    project_id  TEXT PRIMARY KEY REFERENCES projects (id) ON DELETE CASCADE,
    owner       TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);

INSERT INTO profiles (id, name, description, is_default, created_at, updated_at)
VALUES ('00000000-0000-7000-8000-000000000001', 'Default', 'The first workspace', 1,
        strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
