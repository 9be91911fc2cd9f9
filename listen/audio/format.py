"""The sample format every chunk, piece and rendition shares: 22,050 Hz, 16-bit, mono.

Nothing here imports numpy: the process that plans and stitches needs these numbers only.
"""

from __future__ import annotations

SAMPLE_RATE = 22050
SAMPLE_WIDTH = 2  # bytes: 16-bit signed, little-endian
CHANNELS = 1
SAMPLE_FORMAT = "s16le-mono"  # the name hashed into chunk keys

# Bump when our own audio processing changes what a chunk's samples are.
# 4: chunks rendered before the rate fix may be at a wrong rate; 5: chunks rendered after other text
# carried espeak-ng's state from it (each chunk now starts from the same engine state: its key alone decides)
AUDIO_PROCESSING_VERSION = 5
