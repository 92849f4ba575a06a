-- Version 5: what speech work found, cached per content like analyses (a copy or a moved file is
-- not listened to twice): the voice detector's spans, and transcripts per model and language.
CREATE TABLE voice_activity (
    content_hash  TEXT NOT NULL,
    vad_version   INTEGER NOT NULL,
    duration_s    REAL NOT NULL,
    spans         TEXT NOT NULL,           -- JSON [{start_s, end_s}]
    created_at    TEXT NOT NULL,
    PRIMARY KEY (content_hash, vad_version)
);

CREATE TABLE transcripts (
    content_hash  TEXT NOT NULL,
    model         TEXT NOT NULL,           -- the installed model's name
    language      TEXT NOT NULL,           -- as asked: a code, or 'auto'
    transcript    TEXT NOT NULL,           -- JSON {words: [{word, start_s, end_s, p}], text, language}
    created_at    TEXT NOT NULL,
    PRIMARY KEY (content_hash, model, language)
);
