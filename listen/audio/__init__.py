"""Audio: engine samples in, checked, levelled chunk audio and encoded MP3 out.

Modules: format (the one sample format: no numpy), chunk (check, trim, level and fade
one chunk), loudness (BS.1770 measurement and levelling), flac (chunk audio as stored in
the cache), mp3 (CBR MP3 encoding of pieces and renditions).
"""
