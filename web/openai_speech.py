"""OpenAI's speech API: POST /v1/audio/speech and GET /v1/models, for tools that already speak it.

A request in, audio out, streamed as it renders. The text goes through the same road as a
posted article (the intake pool, the normaliser, the cache, the queue's limits, the API keys
and the rate limit): it is an article with no headline. The rendition is our MP3; other
formats are made from it on the way out by ffmpeg, streamed where the format allows.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from flask import Blueprint, Response, current_app, jsonify, request

from listen.article import Article
from listen.audio.mp3 import id3_size
from listen.config import MAX_RATE, MIN_RATE, RenderSettings, ServiceSettings, Settings
from listen.engines import ENGINES, all_voices, is_listed_voice
from listen.errors import (
    BusyError,
    EngineError,
    InputError,
    NotFoundError,
    SettingsError,
    UnsupportedFormatError,
)
from listen.render.plan import speaker_for
from listen.text.language import detect_language
from listen.text.script import script_language

from . import origins
from .clients import client_address
from .common import manager
from .intake import Submission
from .job import READY, RENDERING, Job, PendingJob
from .json_body import parse_json
from .keys import check_api_key
from .voices import primary

bp = Blueprint("openai", __name__, url_prefix="/v1")

# OpenAI's voice names, and the gender each voice has there ("": neither). Each reads with the
# voice LISTEN_OPENAI_VOICES gives it; a name left out, with a natural voice of its gender in the
# text's language where one is installed (see default_voice).
OPENAI_VOICES = {
    "alloy": "",
    "ash": "male",
    "ballad": "male",
    "coral": "female",
    "echo": "male",
    "fable": "",
    "onyx": "male",
    "nova": "female",
    "sage": "female",
    "shimmer": "female",
    "verse": "male",
}

# What "model" may be, and the engine each means (None: Piper where it has a voice for the
# text's language, espeak-ng elsewhere, as for articles).
MODELS: dict[str, str | None] = {
    "tts-1": None,
    "tts-1-hd": None,
    "gpt-4o-mini-tts": None,
    "listen": None,
    **{name: name for name in ENGINES},
}

MIN_SPEED, MAX_SPEED = 0.25, 4.0
BLOCK = 64 * 1024


@dataclass(frozen=True)
class Format:
    """One response_format: its media type, ffmpeg's output options (none: our MP3 as it is), and
    whether it can stream (wav and flac state their length in the header: they wait for the end)."""

    mimetype: str
    ffmpeg: tuple[str, ...] = ()
    streams: bool = True


# pcm, wav and flac at 24 kHz, 16-bit, mono: what OpenAI's clients expect of pcm.
FORMATS = {
    "mp3": Format("audio/mpeg"),
    "opus": Format("audio/ogg", ("-c:a", "libopus", "-b:a", "32k", "-f", "ogg")),
    "aac": Format("audio/aac", ("-c:a", "aac", "-b:a", "64k", "-f", "adts")),
    "pcm": Format("audio/pcm", ("-ar", "24000", "-ac", "1", "-f", "s16le")),
    "wav": Format("audio/wav", ("-ar", "24000", "-ac", "1", "-c:a", "pcm_s16le", "-f", "wav"), streams=False),
    "flac": Format("audio/flac", ("-ar", "24000", "-ac", "1", "-f", "flac"), streams=False),
}


def voice_map(service: ServiceSettings) -> dict[str, str | None]:
    """OpenAI's voice names to ours, from LISTEN_OPENAI_VOICES; None: the language's default voice."""
    names: dict[str, str | None] = dict.fromkeys(OPENAI_VOICES)
    for entry in (service.openai_voices or "").split(","):
        if not entry.strip():
            continue
        name, sep, voice = (part.strip() for part in entry.partition("="))
        if not sep or not name or not voice:
            raise SettingsError(
                f"LISTEN_OPENAI_VOICES: {entry.strip()!r} is not NAME=VOICE; "
                'write it like "alloy=en_US-joe-medium,echo=en-gb".'
            )
        names[name.lower()] = voice
    return names


def default_voice(name: str, article: Article, render: RenderSettings) -> str | None:
    """The voice for an OpenAI name the operator left out: the language's own (None) where its
    gender fits or no installed voice's does, else the first natural voice of the language that fits.

    With several voices installed, "nova" and "onyx" then sound like what their names promise.
    """
    gender = OPENAI_VOICES.get(name, "")
    if not gender:
        return None
    language = primary(script_language(article, render))
    fitting = [
        v.id
        for v in all_voices()
        if v.neural
        and v.gender == gender
        and language in {primary(t) for t in v.languages}
        and (render.engine is None or v.engine == render.engine)
    ]
    if not fitting or speaker_for(article, render).voice in fitting:
        return None
    return fitting[0]


def check_settings(service: ServiceSettings) -> None:
    """Stop start-up on a LISTEN_OPENAI_VOICES that cannot be read, not on the first request."""
    voice_map(service)


# -- the routes -----------------------------------------------------------------------------------


@bp.get("/models")
def models() -> Response:
    """List what "model" may be, in OpenAI's shape."""
    return jsonify({"object": "list", "data": [_model(name) for name in MODELS]})


@bp.get("/models/<model>")
def model(model: str) -> Response:
    """Describe one model, as OpenAI's clients check one before using it."""
    if model not in MODELS:
        raise NotFoundError(f"There is no model {model!r} here; GET /v1/models lists them.")
    return jsonify(_model(model))


def _model(name: str) -> dict[str, Any]:
    return {"id": name, "object": "model", "created": 0, "owned_by": "listen"}


@bp.post("/audio/speech")
def speech() -> Response:
    """Read `input` aloud in the format asked for, streamed as it renders where the format allows."""
    api_key = check_api_key()
    origins.check_origin(api_key)
    fields = _fields()
    fmt = FORMATS[_choice(fields, "response_format", "mp3", FORMATS)]
    base: Settings = current_app.config["LISTEN_SETTINGS"]
    settings = base.replace(engine=MODELS[_choice(fields, "model", None, MODELS)], rate=_rate(fields, base))
    article = _article(_input(fields, base.service), base)
    settings = settings.replace(voice=_voice(fields.get("voice"), article, settings))
    job = _planned(manager().accept(Submission("article", article, settings, clip=True)))
    if job.status != RENDERING:
        body = _audio(job, fmt)
    else:  # this request's thread waits on the render: counted with the other such streams (web/streams.py)
        slot = current_app.extensions["listen_streams"].take(job.id, client_address())
        try:
            body = _Output(_audio(job, fmt), slot.give_back)
        except BaseException:
            slot.give_back()
            raise
    response = Response(body, mimetype=fmt.mimetype)
    response.headers["Cache-Control"] = "no-store"
    return response


def _audio(job: Job, fmt: Format) -> Iterable[bytes]:
    """The job's audio in the format asked for: our MP3 as it is, or converted by ffmpeg."""
    mp3 = _mp3_of(job)
    if fmt.ffmpeg and not fmt.streams:
        return _converted_whole(mp3, fmt.ffmpeg)
    if fmt.ffmpeg:
        return _converted(mp3, fmt.ffmpeg)
    return mp3


# -- reading the request --------------------------------------------------------------------------


def _fields() -> dict[str, Any]:
    if not request.is_json:
        raise InputError(
            'Send a JSON body (Content-Type: application/json) like {"model": "tts-1", "input": "...", "voice": "alloy"}.'
        )
    data = parse_json(request.get_data(cache=True))
    if not isinstance(data, dict):
        raise InputError('The body is not a JSON object; send one like {"model": "tts-1", "input": "..."}.')
    if data.get("stream_format") not in (None, "audio"):
        raise InputError('Only "stream_format": "audio" is offered; leave it out for audio as it renders.')
    return data


def _choice(fields: dict[str, Any], name: str, default: str | None, options: Iterable[str]) -> str:
    value = fields.get(name, default)
    if value is None:
        raise InputError(f'"{name}" is required; one of {", ".join(options)}.')
    if not isinstance(value, str) or value not in options:
        raise InputError(f'"{name}" must be one of {", ".join(options)}.')
    return value


def _voice(voice: Any, article: Article, settings: Settings) -> str | None:
    """One of our voice ids (or a language tag), or an OpenAI name mapped to one; None: the language's."""
    if voice in (None, ""):
        return None
    names = voice_map(settings.service)
    if isinstance(voice, str) and voice.lower() in names:
        mapped = names[voice.lower()]
        if mapped is None:
            return default_voice(voice.lower(), article, settings.render)
        if mapped is not None and not is_listed_voice(mapped):
            raise SettingsError(
                f'The voice "{voice}" stands for is not on this server; choose another.',
                f"LISTEN_OPENAI_VOICES maps {voice.lower()} to {mapped!r}, which no engine lists (see `listen voices`).",
            )
        return mapped
    if not isinstance(voice, str) or len(voice) > 100 or not is_listed_voice(voice):
        raise SettingsError(
            f'"voice" must be one of {", ".join(OPENAI_VOICES)}, or a voice id from GET /api/v1/voices.'
        )
    return voice


def _rate(fields: dict[str, Any], base: Settings) -> int:
    """OpenAI's speed (1 is normal) as words a minute, kept within the rates the engines take."""
    speed = fields.get("speed", 1.0)
    if isinstance(speed, bool) or not isinstance(speed, (int, float)) or not MIN_SPEED <= speed <= MAX_SPEED:
        raise SettingsError(f'"speed" must be a number from {MIN_SPEED} to {MAX_SPEED} (1 is normal).')
    return max(MIN_RATE, min(MAX_RATE, round(base.render.rate * speed)))


def _input(fields: dict[str, Any], service: ServiceSettings) -> str:
    text = fields.get("input")
    if not isinstance(text, str) or not text.strip():
        raise InputError('"input" is required: the text to read aloud.')
    size = len(text.encode("utf-8"))
    if size > service.max_input_bytes:
        raise InputError(
            f'"input" is {size} bytes, over this server\'s limit of {service.max_input_bytes}; '
            "send it in parts."
        )
    return text


def _article(text: str, settings: Settings) -> Article:
    """The input as an article with no headline: paragraphs at blank lines, read in its own language."""
    paragraphs = [" ".join(block.split()) for block in re.split(r"\n\s*\n", text) if block.strip()]
    language = settings.render.language or detect_language(text)
    return Article(paragraphs=paragraphs, language=language)


# -- the audio ------------------------------------------------------------------------------------


def _planned(job: Job) -> Job:
    """Wait for the intake pool to plan the text: its errors are still a 4xx before any audio."""
    if not isinstance(job, PendingJob):
        return job
    if not job.settled(manager().settings.service.intake_timeout_s + 30):
        raise BusyError("The server is too busy to read this now; try again in a minute.")
    if job.failure is not None:
        raise job.failure
    assert job.target is not None
    return job.target


def _mp3_of(job: Job) -> Iterator[bytes]:
    """The rendition's MP3, growing while it renders; a render that fails first is an error, not silence."""
    if job.status == RENDERING:
        stream = manager().stream(job)  # keeps its rendition from being pruned meanwhile
        first = next(stream, b"")
        if first:
            return _without_tag(itertools.chain([first], stream))
        job = manager().get(job.id) or job
    if job.status == READY and job.rendition is not None:
        return _without_tag(_file(job.rendition.mp3))
    raise EngineError(job.error or "This text could not be read aloud; try again.")


def _without_tag(blocks: Iterator[bytes]) -> Iterator[bytes]:
    """The MP3 without the ID3 tag a finished rendition has (title, chapters: an article's, not a
    clip's), so the same text gives the same bytes whether it was rendering or ready."""
    head = b""
    for block in blocks:
        head += block
        size = id3_size(head[:10])
        if size is not None and len(head) >= size:
            if head[size:]:
                yield head[size:]
            break
    yield from blocks


def _file(path: Path) -> Iterator[bytes]:
    with path.open("rb") as f:
        while block := f.read(BLOCK):
            yield block


def _ffmpeg(output: tuple[str, ...], target: str) -> subprocess.Popen[bytes]:
    """Start ffmpeg reading MP3 on its standard input, writing to `target` (a file, or pipe:1)."""
    if shutil.which("ffmpeg") is None:
        raise UnsupportedFormatError(
            "This server cannot convert audio; ask for mp3.",
            "Install ffmpeg (make run does) for the other formats.",
        )
    command = ["ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "mp3", "-i", "pipe:0", *output, target]
    stdout = subprocess.PIPE if target == "pipe:1" else subprocess.DEVNULL
    return subprocess.Popen(command, stdin=subprocess.PIPE, stdout=stdout, stderr=subprocess.DEVNULL)


def _feed(mp3: Iterator[bytes], sink: IO[bytes]) -> None:
    """Write the MP3 to ffmpeg as it grows, then close its input."""
    try:
        for block in mp3:
            sink.write(block)
            sink.flush()
    except (BrokenPipeError, ValueError):  # ffmpeg stopped: the listener went away
        pass
    finally:
        close = getattr(mp3, "close", None)
        if close is not None:
            close()
        with contextlib.suppress(BrokenPipeError):
            sink.close()


class _Output:
    """Blocks to send, and what to tidy once they are sent or abandoned.

    The server calls close() either way, even when the listener leaves before the first
    block, where a generator's `finally` would never run.
    """

    def __init__(self, blocks: Iterable[bytes], tidy: Callable[[], None]):
        self.blocks = blocks
        self.tidy = tidy

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.blocks)

    def close(self) -> None:
        try:
            close = getattr(self.blocks, "close", None)
            if close is not None:
                close()
        finally:
            self.tidy()


def _converted(mp3: Iterator[bytes], output: tuple[str, ...]) -> _Output:
    """Convert the MP3 as it comes (fed on a thread of its own), sending what ffmpeg makes as soon as it makes it."""
    process = _ffmpeg(output, "pipe:1")
    assert process.stdin is not None
    assert process.stdout is not None
    threading.Thread(target=_feed, args=(mp3, process.stdin), daemon=True, name="listen-speech-feed").start()
    stdout = process.stdout

    def blocks() -> Iterator[bytes]:
        while block := os.read(stdout.fileno(), BLOCK):  # what ffmpeg has made so far
            yield block

    def stop() -> None:
        process.kill()  # done, or the listener went away
        process.wait()
        stdout.close()

    return _Output(blocks(), stop)


def _converted_whole(mp3: Iterator[bytes], output: tuple[str, ...]) -> _Output:
    """Convert the whole MP3 into a file first: wav and flac write their length in their header."""
    target = manager().cache.temp_file("." + output[-1])
    process = _ffmpeg(("-y", *output), str(target))
    assert process.stdin is not None
    _feed(mp3, process.stdin)
    if process.wait() != 0:
        target.unlink(missing_ok=True)
        raise EngineError("The audio could not be converted; try again, or ask for mp3.")
    return _Output(_file(target), lambda: target.unlink(missing_ok=True))
