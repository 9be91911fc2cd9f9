"""Speech engines: an interface, a registry, and voice lookup.

An Engine object is cheap to make in any process; only `synthesize` touches the
real engine and must run in a worker process (see listen/engine_workers.py).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import asdict, dataclass

from ..errors import SettingsError

__all__ = ["Engine", "Voice", "get_engine", "ENGINES"]


@dataclass(frozen=True)
class Voice:
    """A voice an engine offers."""

    id: str
    name: str
    languages: tuple[str, ...]
    gender: str = ""

    def to_json(self) -> dict[str, object]:
        data = asdict(self)
        data["languages"] = list(self.languages)
        return data


class Engine(ABC):
    """What the pipeline needs from a speech engine."""

    name: str
    # Whether the engine reads "[[...]]" as espeak phoneme mnemonics (lexicon `phonemes:` rules).
    supports_phonemes: bool = False

    @abstractmethod
    def version(self) -> str:
        """Return a string that changes whenever the engine's output could change."""

    @abstractmethod
    def voices(self) -> list[Voice]:
        """List the voices this engine offers."""

    @abstractmethod
    def default_voice(self, language: str) -> str:
        """Return the voice id to use for a language when none is chosen."""

    @abstractmethod
    def synthesize(self, text: str, voice: str, rate: int, path: str) -> None:
        """Render text to a WAV file at path (runs inside a worker process)."""

    def resolve_voice(self, voice: str | None, language: str) -> str:
        """Turn a voice id, name or language tag into a voice id, or explain the choices."""
        if not voice:
            return self.default_voice(language)
        wanted = voice.strip().lower()
        voices = self.voices()
        for v in voices:
            if wanted in (v.id.lower(), v.name.lower()):
                return v.id
        for v in voices:
            if wanted in (lang.lower() for lang in v.languages):
                return v.id
        raise SettingsError(
            f"Unknown voice {voice!r}; run `listen voices` to see the {len(voices)} voices there are."
        )


def get_engine(name: str = "pyttsx3") -> Engine:
    """Return the engine registered under a name."""
    try:
        factory = ENGINES[name]
    except KeyError:
        raise SettingsError(f"Unknown engine {name!r}; choose one of {', '.join(ENGINES)}.") from None
    return factory()


def _pyttsx3() -> Engine:
    from .pyttsx3_engine import Pyttsx3Engine

    return Pyttsx3Engine()


ENGINES = {"pyttsx3": _pyttsx3}
