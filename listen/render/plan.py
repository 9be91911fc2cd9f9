"""Planning: an Article and render settings in, a Plan out (the script, its pieces and every cache key).

Nothing is rendered here and nothing heavier than the text side is loaded: the plan says
which pieces a rendition is made of, which chunks each piece is made of, and the key of
each, so a renderer can find what is cached and queue only what is not. Also the order
pieces are queued in, and the fingerprint of the code that turns an article into a script.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

from listen.article import Article
from listen.audio.format import AUDIO_PROCESSING_VERSION, SAMPLE_FORMAT, SAMPLE_RATE
from listen.cache.store import cache_key
from listen.config import MAX_RATE, MIN_RATE, RenderSettings
from listen.engines import ENGINES, Speaker, choose_speaker, get_engine
from listen.render.jingles import Jingle, jingle_digests, jingles_for
from listen.render.timings import TIMINGS_VERSION
from listen.text.script import INTRO, Script, Sentence, iter_sentences, script_language, script_of

PIECE_VERSION = 3  # bump when the layout or encoding of pieces changes (2: chunk offsets, 3: words)
SENTENCES_PER_PIECE = 6

# What turns an article into a script: whole packages and modules, so a file added or moved
# inside them is covered without anyone editing a list of names.
SCRIPT_CODE = ("listen/article.py", "listen/text", "listen/render")


@dataclass
class Piece:
    """A run of sentences encoded together, and the pause before it."""

    key: str
    lead_pause_ms: int
    sentences: list[Sentence]
    chunk_keys: list[list[str]]
    rate: int | None = None  # words per minute, where SSML markup changes the settings' rate


@dataclass
class Plan:
    """What a render will produce and from which cached pieces."""

    script: Script
    speaker: Speaker  # the engine and voice that read it
    pieces: list[Piece]
    key: str  # the rendition's key, also the article's id on the web
    # The opening and closing jingles (listen/render/jingles.py), where set.
    jingles: tuple[Jingle | None, Jingle | None] = (None, None)


def make_plan(
    article: Article, settings: RenderSettings, on_piece: Callable[[Piece, Speaker], None] | None = None
) -> Plan:
    """Work out the script and every cache key without rendering anything.

    on_piece(piece, speaker) hears of each piece as soon as its key is known, so a
    caller can start rendering it while the rest of the script is worked out.
    """
    speaker = speaker_for(article, settings)
    alphabet = get_engine(speaker.engine).phoneme_alphabet
    chunk_key = _chunk_keyer(settings, speaker)
    sentences: list[Sentence] = []
    pieces: list[Piece] = []
    for sentence in iter_sentences(article, settings, phonemes=alphabet):
        closed = _place(settings, pieces, sentences[-1] if sentences else None, sentence, chunk_key)
        sentences.append(sentence)
        if closed is not None and on_piece:
            on_piece(closed, speaker)
    if len(pieces) > 1:  # the first piece was handed over when it was made
        _seal(settings, pieces[-1])
        if on_piece:
            on_piece(pieces[-1], speaker)
    script = script_of(article, settings, sentences)
    jingles = jingles_for(settings)
    # Without jingles the key is what it always was, so no rendition made before them is lost.
    branded = {"jingles": [j.key if j else None for j in jingles]} if any(jingles) else {}
    key = cache_key(
        kind="rendition",
        version=TIMINGS_VERSION,
        pieces=[p.key for p in pieces],
        sentences=[[s.paragraph, s.text] for s in script.sentences],
        tags=[script.title, script.byline, script.site_name, script.date, script.source],
        **branded,
    )
    return Plan(script, speaker, pieces, key, jingles)


def speaker_for(article: Article, settings: RenderSettings) -> Speaker:
    """The engine and voice for an article: as set, or Piper where it has a voice for the language."""
    return choose_speaker(
        script_language(article, settings), settings.engine, settings.voice, settings.voices
    )


def article_key(article: Article, settings: RenderSettings) -> str:
    """Key an article and the settings and code that shape its audio, to find its rendition fast.

    Only the render settings count: how the service runs (engine workers, port, limits)
    never changes the audio, so it must not miss this shortcut.

    Working out a script imports NLTK and normalises every sentence; an unchanged
    article should not pay for that just to learn that its audio is ready.
    """
    lexicon = settings.lexicon
    rules = (
        hashlib.sha256(Path(lexicon).read_bytes()).hexdigest()
        if lexicon and Path(lexicon).is_file()
        else None
    )
    shaping = asdict(settings)
    # The jingles count by their files' content (a new file under the same name is a new jingle);
    # without them the key is what it always was.
    for name in ("jingle_in", "jingle_out", "jingle"):
        del shaping[name]
    if settings.piper_precision == "float32":  # the precision every key had before it was a setting
        del shaping["piper_precision"]
    jingles = jingle_digests(settings)
    return cache_key(
        kind="article",
        article=asdict(article),
        settings=shaping,
        **({"jingles": jingles} if jingles else {}),
        lexicon=rules,
        engines={name: get_engine(name).version() for name in ENGINES},
        code=script_code_fingerprint(),
    )


def _chunk_keyer(settings: RenderSettings, speaker: Speaker) -> Callable[[str, int], str]:
    """Key a chunk by its text and all else that shapes its audio, for one plan.

    The engine's version is worked out once: for a Piper voice it reads the voice's
    config and checks its files (0.75 ms), which a 10,000-word article would
    otherwise pay for each of its 500 chunks.
    """
    s = settings
    engine = get_engine(speaker.engine)
    fixed = dict(
        kind="chunk",
        engine=engine.name,
        engine_version=engine.version(speaker.voice, engine.variant(s)),
        voice=speaker.voice,
        sample_rate=SAMPLE_RATE,
        sample_format=SAMPLE_FORMAT,
        processing=AUDIO_PROCESSING_VERSION,
        loudness=s.loudness_lufs,
        true_peak=s.true_peak_db,
        fade_ms=s.fade_ms,
    )
    return lambda text, rate: cache_key(text=text, rate=rate, **fixed)


def _place(
    settings: RenderSettings,
    pieces: list[Piece],
    before: Sentence | None,
    sentence: Sentence,
    chunk_key: Callable[[str, int], str],
) -> Piece | None:
    """Add a sentence to the last piece or start a new one; return the piece this closes, if any.

    A piece is a paragraph, or a few of its sentences at a time. The first piece is
    one sentence, complete as soon as it is made: it goes to the engine at once, so
    the headline renders while the rest of the script is worked out (NLTK alone takes
    a quarter of a second to load) and a listener hears something as soon as possible.
    """
    rate = sentence_rate(settings, sentence)
    keys = [chunk_key(text, rate or settings.rate) for text in sentence.chunks]
    if not pieces:
        pieces.append(Piece("", 0, [sentence], [keys], rate))
        _seal(settings, pieces[0])
        return pieces[0]
    current = pieces[-1]
    if (
        before
        and before.paragraph == sentence.paragraph
        and len(current.sentences) < SENTENCES_PER_PIECE
        and len(pieces) > 1
        and sentence.pause_ms is None  # an SSML break is the lead pause of a piece of its own
        and rate == current.rate
        and not before.pause_after_ms  # so is an editor's pause
    ):
        current.sentences.append(sentence)
        current.chunk_keys.append(keys)
        return None
    lead = 0 if before is None else _pause_ms(settings, before, sentence) + before.pause_after_ms
    pieces.append(Piece("", lead, [sentence], [keys], rate))
    if len(pieces) == 2:
        return None  # the piece before is the first, handed over already
    _seal(settings, current)
    return current


def _seal(settings: RenderSettings, piece: Piece) -> None:
    """Give a finished piece its key."""
    piece.key = cache_key(
        kind="piece",
        version=PIECE_VERSION,
        lead=piece.lead_pause_ms,
        chunks=piece.chunk_keys,
        pauses=[settings.sentence_pause_ms, settings.clause_pause_ms],
        bitrate=settings.bitrate_kbps,
        quality=settings.mp3_compression_level,
    )


def sentence_rate(settings: RenderSettings, sentence: Sentence) -> int | None:
    """The words per minute SSML markup asks a sentence to be read at; None: the settings' rate."""
    if sentence.rate == 1.0:
        return None
    return min(max(round(settings.rate * sentence.rate), MIN_RATE), MAX_RATE)


def _pause_ms(settings: RenderSettings, before: Sentence, after: Sentence) -> int:
    if after.pause_ms is not None:
        return after.pause_ms
    if before.paragraph == INTRO and after.paragraph != INTRO:
        return settings.title_pause_ms
    if before.paragraph != after.paragraph:
        return settings.paragraph_pause_ms
    return settings.sentence_pause_ms


def queue_order(pieces: list[Piece], tail: int, queued_before: int = 0) -> list[Piece]:
    """Pieces in reading order, except the last `tail`: longest first (see Renderer._submit).

    The first tail + 1 pieces of a render (counting `queued_before`, those queued already)
    stay in reading order whatever the article's length: they are what a listener hears first.
    """
    start = max(tail + 1 - queued_before, len(pieces) - tail, 0)
    return pieces[:start] + sorted(pieces[start:], key=_piece_size, reverse=True)


def _piece_size(piece: Piece) -> int:
    """How much an engine has to say for a piece: its work, roughly."""
    return sum(len(text) for sentence in piece.sentences for text in sentence.chunks)


@lru_cache(maxsize=1)
def script_code_fingerprint() -> str:
    """Hash the code and data that turn an article into a script, so an upgrade misses the fast path."""
    return code_fingerprint(SCRIPT_CODE)


def code_fingerprint(parts: tuple[str, ...], root: Path | None = None) -> str:
    """Hash every file of the given modules and packages (paths relative to the repository root).

    A package that is missing or holds no files fails loudly: after a move, a stale name
    would otherwise hash nothing and never change again.
    """
    root = root if root is not None else Path(__file__).resolve().parents[2]
    digest = hashlib.sha256()
    for part in parts:
        for path in _source_files(root / part):
            digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _source_files(path: Path) -> list[Path]:
    """The .py and data files of a module or package, in a stable order; a missing one is a packaging bug."""
    if path.is_file():
        return [path]
    files = sorted(
        p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    )
    if not files:
        raise RuntimeError(f"{path} is missing or holds no files: the script fingerprint would hash nothing")
    return files
