"""espeak-ng through pyttsx3's binding of it: every language espeak-ng knows, the fastest engine.

Voices are listed through pyttsx3's driver; speech is made through the binding
directly, in synchronous mode, one forked child per chunk (see synthesize).
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import sys
from collections.abc import Callable
from functools import lru_cache
from importlib.metadata import version as package_version
from typing import Any

from listen.engines import Engine, Synthesis, Voice, WordTiming, snap_to_words
from listen.errors import EngineError

# Our pick of espeak-ng voice per language; users choose others with --voice.
DEFAULT_VOICES = {
    "en": "gmw/en-us",
    "es": "roa/es",
    "de": "gmw/de",
    "fr": "roa/fr",
    "pt": "roa/pt",
    "it": "roa/it",
    "nl": "gmw/nl",
    # Mandarin's "latin as English" voice (sit/cmn) says many characters' pinyin as English
    # letters and tone digits ("bei three"); the pinyin one reads them as Mandarin.
    "zh": "sit/cmn-latn-pinyin",
    "cmn": "sit/cmn-latn-pinyin",
}


def _espeak_version() -> str:
    # Loading the library to ask its version does not start a synthesiser.
    from pyttsx3.drivers import _espeak

    info = _espeak.Info()
    return info.decode() if isinstance(info, bytes) else str(info)


def _list_voices(_: object = None) -> list[dict[str, Any]]:
    """Ask a fresh pyttsx3 engine for its voices (runs in a child process)."""
    import pyttsx3

    engine = pyttsx3.init("espeak")
    return [
        {"id": v.id, "name": v.name, "languages": list(v.languages or []), "gender": v.gender or ""}
        for v in engine.getProperty("voices")
    ]


@lru_cache(maxsize=1)
def _voices_in_child() -> list[Voice]:
    # A child process, so this process never owns an engine (one per process, one thread).
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        raw = pool.apply(_list_voices)
    return [_voice(r) for r in raw]


def _voice(raw: dict[str, Any]) -> Voice:
    """An espeak-ng voice, its name read as "Language (Accent)": "English (Scotland)"."""
    name = str(raw["name"]).strip()
    language, _, accent = name.partition(" (")
    return Voice(
        raw["id"],
        name,
        tuple(raw["languages"]),
        str(raw["gender"] or "").lower(),
        engine="pyttsx3",
        language_name=language.strip(),
        accent=accent.rstrip(")").strip(),
    )


class Pyttsx3Engine(Engine):
    name = "pyttsx3"
    phoneme_alphabet = "espeak"  # "[[...]]" is read as espeak-ng mnemonics: see _speak
    preload = ("listen.engines.pyttsx3_engine", "pyttsx3", "pyttsx3.drivers.espeak")

    @lru_cache(maxsize=1)  # noqa: B019 - one engine object per process
    def _version(self) -> str:
        return f"pyttsx3-{package_version('pyttsx3')}+espeak-ng-{_espeak_version()}"

    def version(self, voice: str | None = None, variant: str = "") -> str:
        # espeak-ng voices are data inside espeak-ng: its version covers them.
        return self._version()

    def voices(self) -> list[Voice]:
        return _voices_in_child()

    def default_voice(self, language: str) -> str | None:
        """Our pick for the language, else espeak-ng's own voice for it, else English (which it always has).

        A Japanese, Russian or Thai article read by the English voice is said letter by letter
        ("Chinese letter" for each kanji): espeak-ng's voice for the language reads it.
        """
        lang = language.split("-")[0].lower()
        if lang in DEFAULT_VOICES:
            return DEFAULT_VOICES[lang]
        own = [v.id for v in self.voices() if lang in (tag.lower() for tag in v.languages)]
        return own[0] if own else DEFAULT_VOICES["en"]

    def load(self) -> None:
        start_engine()

    def synthesize(self, text: str, voice: str, rate_wpm: int, variant: str = "") -> Synthesis:
        """Speak text with an espeak-ng that has said nothing since it warmed up.

        espeak-ng keeps synthesiser state from one utterance to the next, so the same
        text came out some milliseconds different depending on what the worker had
        said before: a rendition's bytes depended on the number of workers and the
        order they finished in (issue #15, item 4). So this process starts espeak-ng
        once and never speaks again itself; each chunk is spoken by a child forked
        from it, which starts from that same state, hands back its samples and word
        events, and exits.
        """
        import numpy as np

        start_engine()
        samples, events = _in_fresh_child(lambda: _speak(text, voice, rate_wpm))
        if not samples:
            raise EngineError(f"espeak-ng wrote no audio for: {text[:60]!r}")
        audio = np.frombuffer(samples, dtype="<i2").copy()
        words = _words(events, audio.size, _sample_rate)
        return Synthesis(audio, _sample_rate, snap_to_words(text, words) if words else None)


_sample_rate = 0  # set once this process has started espeak-ng
_samples: list[bytes] = []  # what espeak-ng hands the callback during one synthesis
# espeak-ng's word events during one synthesis: (text offset, length, audio ms).
_word_events: list[tuple[int, int, int]] = []


def start_engine() -> None:
    """Start espeak-ng in this process once, and warm it up.

    pyttsx3's driver starts espeak-ng in its asynchronous mode, which runs the
    synthesis on a thread of its own that a fork would not copy (and its loop has
    been seen to drop queued commands). Through pyttsx3's binding of the library we
    start it in synchronous mode: espeak_Synth speaks on the calling thread and
    returns when done, so a forked child can speak. The warm-up does once, here,
    what a first synthesis sets up, so every child starts from the same state.
    """
    global _sample_rate
    if _sample_rate:
        return
    from pyttsx3.drivers import _espeak

    rate = _espeak.Initialize(_espeak.AUDIO_OUTPUT_SYNCHRONOUS, 0)
    if rate <= 0:
        raise EngineError("espeak-ng did not start; check that the libespeak-ng1 package is installed.")
    _espeak.SetSynthCallback(_collect)
    _sample_rate = rate
    _speak("ready", DEFAULT_VOICES["en"], 170)


def _collect(wav: Any, count: int, events: Any) -> int:
    """Keep the samples, and each word's text position and audio position (espeak-ng's word events)."""
    import ctypes

    from pyttsx3.drivers import _espeak

    if count > 0:
        _samples.append(ctypes.string_at(wav, count * 2))
    i = 0
    while events[i].type != _espeak.EVENT_LIST_TERMINATED:
        if events[i].type == _espeak.EVENT_WORD:
            # text_position counts characters from 1.
            _word_events.append((events[i].text_position - 1, events[i].length, events[i].audio_position))
        i += 1
    return 0  # go on


def _speak(text: str, voice: str, rate: int) -> tuple[bytes, list[tuple[int, int, int]]]:
    """Synthesise text and return its 16-bit mono samples and word events.

    "[[...]]" is read as espeak phoneme mnemonics (the PHONEMES flag), for lexicon
    `phonemes:` rules; article text never carries "[[" (normalisation breaks it up).
    """
    from pyttsx3.drivers import _espeak

    _samples.clear()
    _word_events.clear()
    if _espeak.SetVoiceByName(voice.encode("utf-8")) != 0:
        raise EngineError(
            f"espeak-ng has no voice {voice!r}; run `listen voices` to see the voices there are."
        )
    _espeak.SetParameter(_espeak.RATE, rate, 0)
    if _espeak.Synth(text, flags=_espeak.ENDPAUSE | _espeak.CHARS_UTF8 | _espeak.PHONEMES) != 0:
        raise EngineError(f"espeak-ng could not read: {text[:60]!r}")
    return b"".join(_samples), list(_word_events)


def _words(events: list[tuple[int, int, int]], total: int, rate: int) -> list[WordTiming] | None:
    """Turn espeak-ng's word events into word timings: a word lasts until the next one starts.

    The last word ends where the audio does (its trailing silence is trimmed later).
    """
    if not events:
        return None
    starts = [min(total, round(ms * rate / 1000)) for _, _, ms in events]
    ends = [*starts[1:], total]
    return [WordTiming(at, at + length, a, max(a, b)) for (at, length, _), a, b in zip(events, starts, ends)]


def _in_fresh_child(work: Callable[[], Any]) -> Any:
    """Run work in a forked child and return what it returns; raise EngineError with the child's error if it fails."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(read)
        code = 0
        try:
            _die_with_parent()
            result = pickle.dumps(("ok", work()))
        except BaseException as exc:  # reported to the parent, whatever it is
            result = pickle.dumps(("error", f"{type(exc).__name__}: {exc}"[:2000]))
            code = 1
        with os.fdopen(write, "wb") as pipe:
            pipe.write(result)
        os._exit(code)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        raw = pipe.read()
    _, status = os.waitpid(pid, 0)
    try:
        kind, value = pickle.loads(raw)
    except Exception:  # a child that died mid-write
        kind, value = "error", ""
    if status != 0 or kind != "ok":
        raise EngineError(value or f"the espeak-ng process died (status {status})")
    return value


def _die_with_parent() -> None:
    """Ask Linux to kill this child when the worker dies (a worker that hangs is killed, not its child)."""
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
