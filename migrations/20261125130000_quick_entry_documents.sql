-- PDFs dropped into quick entry (a nutrition label, a training plan). The
-- design's columns cover photos (image_urls) and voice (audio_url); a PDF's
-- path goes here and its extracted text into raw_transcription, next to a
-- voice note's transcript.
ALTER TABLE quick_entry_logs ADD COLUMN document_urls TEXT NOT NULL DEFAULT '[]'
    CHECK (json_valid(document_urls) AND json_type(document_urls) = 'array');
