"""MP3 frames: encode a piece's PCM as a standalone run of frames, count them, tag the finished file,
and find where a tagged file's audio starts.

Nothing here needs numpy: the process that stitches pieces handles bytes only.
"""

from __future__ import annotations

from pathlib import Path

from listen.audio.format import SAMPLE_RATE
from listen.errors import OutputError

# Samples a decoder puts before the first encoded sample: LAME's encoder delay
# (576) plus the decoder's filterbank delay (529). Pieces carry no gapless
# header, so every decoder plays these; timings account for them.
DECODER_OFFSET = 1105
SAMPLES_PER_FRAME = 576  # MPEG-2 layer III, as used at 22.05 kHz


def encode_mp3(pcm: bytes, bitrate_kbps: int, quality: int) -> bytes:
    """Encode 16-bit mono PCM as a standalone run of CBR MP3 frames (no Xing header, so runs concatenate)."""
    import lameenc  # LAME loads in engine workers only: the stitching process handles bytes

    encoder = lameenc.Encoder()
    encoder.set_bit_rate(bitrate_kbps)
    encoder.set_in_sample_rate(SAMPLE_RATE)
    encoder.set_out_sample_rate(SAMPLE_RATE)
    encoder.set_channels(1)
    encoder.set_quality(quality)
    return bytes(encoder.encode(pcm) + encoder.flush())


_BITRATES_V2 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160]
_RATES_V2 = [22050, 24000, 16000]


def count_frames(mp3: bytes) -> int:
    """Count the MPEG-2 layer III frames in a run of frames, refusing anything else."""
    pos = frames = 0
    while pos + 4 <= len(mp3):
        header = int.from_bytes(mp3[pos : pos + 4], "big")
        if header >> 21 != 0x7FF or (header >> 19) & 3 != 2 or (header >> 17) & 3 != 1:
            raise OutputError("The MP3 encoder produced a frame we cannot read; reinstall lameenc.")
        bitrate = _BITRATES_V2[(header >> 12) & 0xF] * 1000
        rate = _RATES_V2[(header >> 10) & 3]
        pos += 72 * bitrate // rate + ((header >> 9) & 1)
        frames += 1
    if pos != len(mp3):
        raise OutputError("The MP3 encoder produced a truncated frame; reinstall lameenc.")
    return frames


def write_id3(path: Path, tags: dict[str, str], chapters: list[tuple[int, int, str]]) -> None:
    """Tag an MP3 (title, artist, album, date, comment, encoder) with a chapter at each paragraph start."""
    # mutagen loads only when a rendition is tagged, not for an article found in the cache.
    from mutagen.id3 import CHAP, COMM, CTOC, ID3, TALB, TDRC, TIT2, TPE1, TSSE, CTOCFlags

    id3 = ID3()
    id3.add(TIT2(encoding=3, text=tags.get("title") or "Untitled article"))
    if tags.get("artist"):
        id3.add(TPE1(encoding=3, text=tags["artist"]))
    id3.add(TALB(encoding=3, text=tags.get("album") or "listen"))
    if tags.get("date"):
        id3.add(TDRC(encoding=3, text=tags["date"]))
    if tags.get("comment"):
        id3.add(COMM(encoding=3, lang="eng", desc="", text=tags["comment"]))
    id3.add(
        TSSE(encoding=3, text=tags.get("encoder") or "listen (LAME)")
    )  # who read it: the engine and voice
    ids = []
    for n, (start, end, title) in enumerate(chapters):
        ids.append(f"ch{n}")
        id3.add(
            CHAP(
                element_id=f"ch{n}", start_time=start, end_time=end, sub_frames=[TIT2(encoding=3, text=title)]
            )
        )
    if ids:
        id3.add(
            CTOC(
                element_id="toc",
                flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
                child_element_ids=ids,
                sub_frames=[TIT2(encoding=3, text="Paragraphs")],
            )
        )
    id3.save(str(path), v2_version=4)
    _chapters_in_time_order(path)


def _syncsafe(raw: bytes) -> int:
    return (raw[0] << 21) | (raw[1] << 14) | (raw[2] << 7) | raw[3]


def _chapters_in_time_order(path: Path) -> None:
    """Put the tag's CHAP frames in time order, in place.

    mutagen stores frames by size (then by id), so chapters come out in the order of their
    titles' lengths; players that read frames in file order list them that way.
    """
    with open(path, "r+b") as f:
        head = f.read(10)
        size = id3_size(head) or 0
        tag = head + f.read(size - 10)
        frames: list[bytes] = []
        pos = 10
        while pos + 10 <= len(tag) and tag[pos : pos + 4].strip(b"\0"):
            end = pos + 10 + _syncsafe(tag[pos + 4 : pos + 8])
            frames.append(tag[pos:end])
            pos = end
        chapters = [fr for fr in frames if fr.startswith(b"CHAP")]

        def start_ms(frame: bytes) -> int:
            at = frame.index(b"\0", 10) + 1  # after the element id
            return int.from_bytes(frame[at : at + 4], "big")

        ordered = iter(sorted(chapters, key=start_ms))
        body = b"".join(next(ordered) if fr.startswith(b"CHAP") else fr for fr in frames)
        f.seek(10)
        f.write(body)  # the same frames, the same length: the padding and the audio stay where they were


def id3_size(head: bytes) -> int | None:
    """Return the size of the ID3v2 tag at the start of an MP3 (0 if none), None if head is too short."""
    if len(head) < 10:
        return None if head == b"ID3"[: len(head)] else 0
    if head[:3] != b"ID3":
        return 0
    size = (head[6] << 21) | (head[7] << 14) | (head[8] << 7) | head[9]
    footer = 10 if head[5] & 0x10 else 0
    return 10 + size + footer
