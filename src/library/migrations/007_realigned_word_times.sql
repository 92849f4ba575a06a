-- Word times are now set by the voice detector where whisper.cpp's alignment lags it (0.3-0.6 s
-- with small models). Transcripts kept before carry the late times; they are derived data, made
-- again from the footage the next time captions ask for them.
DELETE FROM transcripts;
