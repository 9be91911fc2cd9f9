"""pyttsx3 over espeak-ng: the default, offline engine."""

from __future__ import annotations

import multiprocessing
import os
from functools import lru_cache
from importlib.metadata import version as package_version
from typing import Any

from ..errors import EngineError
from . import Engine, Voice

# Our pick of espeak-ng voice per language; users choose others with --voice.
DEFAULT_VOICES = {
    "en": "gmw/en-us",
    "es": "roa/es",
    "de": "gmw/de",
    "fr": "roa/fr",
    "pt": "roa/pt",
    "it": "roa/it",
    "nl": "gmw/nl",
}

_engine: Any = None  # the pyttsx3 engine of this worker process


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
    return [Voice(r["id"], r["name"], tuple(r["languages"]), r["gender"]) for r in raw]


class Pyttsx3Engine(Engine):
    name = "pyttsx3"
    supports_phonemes = True  # turned on in each worker: see worker_engine

    @lru_cache(maxsize=1)  # noqa: B019 - one engine object per process
    def version(self) -> str:
        return f"pyttsx3-{package_version('pyttsx3')}+espeak-ng-{_espeak_version()}"

    def voices(self) -> list[Voice]:
        return _voices_in_child()

    def default_voice(self, language: str) -> str:
        return DEFAULT_VOICES.get(language.split("-")[0].lower(), DEFAULT_VOICES["en"])

    def synthesize(self, text: str, voice: str, rate: int, path: str) -> None:
        engine = worker_engine()
        if os.path.exists(path):
            os.remove(path)
        engine.setProperty("voice", voice)
        engine.setProperty("rate", rate)
        _save(engine, text, path)
        if not os.path.exists(path):
            raise EngineError(f"espeak-ng wrote no audio for: {text[:60]!r}")


def _save(engine: Any, text: str, path: str) -> None:
    """Render text to a WAV file and return only when espeak-ng is idle again.

    Under pyttsx3, espeak-ng runs asynchronously: property changes queue behind a
    running synthesis, and runAndWait cancels whatever espeak still has queued when
    it starts. That is how a chunk comes out at the last call's rate, or not at all
    (DESIGN.md: "queued commands can be dropped"). Waiting for espeak to be idle
    before and after each call makes voice, rate and file land in order.
    """
    from pyttsx3.drivers import _espeak

    _espeak.Synchronize()
    engine.save_to_file(text, path)
    engine.runAndWait()
    _espeak.Synchronize()


def _accept_phoneme_input() -> None:
    """Make espeak-ng read "[[...]]" as phoneme mnemonics, for lexicon `phonemes:` rules.

    pyttsx3's espeak driver calls espeak_Synth without the espeakPHONEMES flag, so the
    worker wraps the binding it calls. Article text never carries "[[": normalisation
    breaks it up, and only the lexicon's phoneme rules produce it.
    """
    from pyttsx3.drivers import _espeak

    plain = _espeak.Synth
    if getattr(plain, "listen_phonemes", False):
        return

    def synth(text: bytes, *args: Any, flags: int = 0, **kwargs: Any) -> Any:
        return plain(text, *args, flags=flags | _espeak.PHONEMES, **kwargs)

    synth.listen_phonemes = True  # type: ignore[attr-defined]
    _espeak.Synth = synth


def _skip_idle_sleep() -> None:
    """Shorten the 10 ms nap pyttsx3's espeak loop takes after starting every synthesis.

    We wait for espeak-ng ourselves (_save calls espeak_Synchronize), so the nap is
    only idle time: 10 ms per sentence, a tenth of a second on a typical article.
    A short nap rather than none, so the loop can never spin.
    """
    import time
    import types

    from pyttsx3.drivers import espeak as driver

    driver.time = types.SimpleNamespace(sleep=lambda seconds: time.sleep(min(seconds, 0.0005)))  # type: ignore[attr-defined]


def worker_engine() -> Any:
    """Make this process's engine once, and warm it up.

    The first save_to_file after init has been seen to produce no file, so a
    throwaway render goes first.
    """
    global _engine
    if _engine is None:
        import tempfile

        import pyttsx3

        _accept_phoneme_input()
        _skip_idle_sleep()
        _engine = pyttsx3.init("espeak")
        with tempfile.TemporaryDirectory() as tmp:
            _save(_engine, "ready", os.path.join(tmp, "warmup.wav"))
    return _engine


