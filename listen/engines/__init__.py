"""Speech engines: one interface, a registry, voice lookup and the pipeline's one sample format.

An Engine object is cheap to make in any process: listing voices, versions and
defaults never starts a synthesiser. Only `load` and `synthesize` touch the real
engine, and they run in worker processes (listen/render/workers.py), once per process.

A third engine is one module here with a class implementing Engine, its name in
listen.config.ENGINE_NAMES and where it lives in ENGINE_CLASSES.
"""

from __future__ import annotations

import importlib
import re
from abc import ABC, abstractmethod
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

from listen.audio.format import SAMPLE_RATE as PIPELINE_SAMPLE_RATE
from listen.config import ENGINE_NAMES, engine_stand_ins, voices_by_language
from listen.errors import SettingsError

if TYPE_CHECKING:
    import numpy as np

    from listen.config import RenderSettings

__all__ = [
    "ENGINES",
    "PIPELINE_SAMPLE_RATE",
    "Engine",
    "Speaker",
    "Synthesis",
    "Voice",
    "WordTiming",
    "all_voices",
    "choose_speaker",
    "get_engine",
    "is_listed_voice",
    "primary_language",
]


@dataclass(frozen=True)
class Voice:
    """A voice an engine offers, and what a listener chooses it by."""

    id: str
    name: str
    languages: tuple[str, ...]
    gender: str = ""  # "female", "male", or "" where nothing says
    neural: bool = False  # natural speech (Piper), as opposed to formant speech (espeak-ng)
    engine: str = ""
    language_name: str = ""  # "English"; "" when only the tag is known
    accent: str = ""  # the region as a person names it ("United States", "Scotland"), or ""
    speakers: tuple[str, ...] = ()  # a multi-speaker voice's speakers, chosen as ID#SPEAKER
    quality: str = ""  # a Piper voice's quality: x_low, low, medium or high
    licence: str = ""  # a Piper voice's dataset licence, from its model card

    @property
    def label(self) -> str:
        """What a person picks from: "Joe (US English, male, natural)"; espeak voices by their own name."""
        if not self.neural:
            return self.name
        described = [*self._language_and_accent(), self.gender]
        if len(self.speakers) > 1:
            described.append(f"{len(self.speakers)} speakers")
        return f"{self.name} ({', '.join(d for d in described if d)}, natural)"

    def _language_and_accent(self) -> list[str]:
        """["US English"] where we have a word for the accent, else ["German", "Germany"]."""
        family, _, region = (self.languages[0] if self.languages else "").partition("-")
        language = self.language_name or _LANGUAGE_NAMES.get(family, family)
        if region in _REGION_NAMES:
            return [f"{_REGION_NAMES[region]} {language}"]
        return [language, self.accent]

    def to_json(self) -> dict[str, object]:
        data = asdict(self)
        data["languages"] = list(self.languages)
        data["speakers"] = list(self.speakers)
        data["language_name"] = self.language_name or _LANGUAGE_NAMES.get(
            primary_language(self.languages), primary_language(self.languages)
        )
        data["label"] = self.label
        return data


@dataclass(frozen=True)
class WordTiming:
    """Where one word of the text given to `synthesize` is spoken.

    start/end are character offsets into that text; start_sample/end_sample are
    sample offsets into the returned samples.
    """

    start: int
    end: int
    start_sample: int
    end_sample: int


@dataclass
class Synthesis:
    """One engine call's output: int16 mono samples at sample_rate, and word timings if known."""

    samples: np.ndarray
    sample_rate: int
    words: list[WordTiming] | None = field(default=None)


class Engine(ABC):
    """What the pipeline needs from a speech engine."""

    name: str
    # The phoneme alphabet "[[...]]" blocks in the text are read in: "espeak" mnemonics,
    # "ipa", or None when the engine takes no phoneme input (lexicon rules then use `say`).
    phoneme_alphabet: str | None = None
    # Modules the workers' fork server imports once (none may start an engine or a thread).
    preload: tuple[str, ...] = ()

    @property
    def supports_phonemes(self) -> bool:
        """Whether lexicon `phonemes:` rules (espeak mnemonics) reach this engine as they are."""
        return self.phoneme_alphabet == "espeak"

    @abstractmethod
    def version(self, voice: str | None = None, variant: str = "") -> str:
        """A string that changes whenever the engine's output for this voice (and model variant) could change."""

    def variant(self, settings: RenderSettings) -> str:
        """The model variant these render settings ask of this engine ("" where it has one only)."""
        return ""

    @abstractmethod
    def voices(self) -> list[Voice]:
        """List the voices this engine offers."""

    @abstractmethod
    def default_voice(self, language: str) -> str | None:
        """The voice id for a language when none is chosen, or None if the engine has none for it."""

    @abstractmethod
    def load(self) -> None:
        """Start the engine in this worker process (once; later calls return at once)."""

    @abstractmethod
    def synthesize(self, text: str, voice: str, rate_wpm: int, variant: str = "") -> Synthesis:
        """Speak text with a voice (in a model variant, see `variant`) at a speed in words per minute
        (runs inside a worker process)."""

    def resolve_voice(self, voice: str | None, language: str) -> str:
        """Turn a voice id, name or language tag into a voice id, or explain the choices."""
        if not voice:
            found = self.default_voice(language)
            if found is None:
                raise SettingsError(
                    f"The {self.name} engine has no voice for language {language!r}; "
                    "pick another engine or a voice from `listen voices`."
                )
            return found
        voices = self.voices()
        found = _listed(voices, voice)
        if found:
            return found
        base, hash_, _ = voice.partition("#")
        of = next((v for v in voices if hash_ and v.id.lower() == base.strip().lower()), None)
        if of is not None:
            choices = ", ".join(of.speakers[:12]) + (", ..." if len(of.speakers) > 12 else "")
            raise SettingsError(
                f"Voice {of.id} has no speaker {voice.partition('#')[2]!r}; "
                f"choose one of {choices or 'none (it has one speaker): leave out #SPEAKER'}."
            )
        raise SettingsError(
            f"Unknown voice {voice!r} for the {self.name} engine; "
            f"run `listen voices` to see the {len(voices)} voices there are."
        )


# Where each engine is implemented. Which engines there are, preferred first, is config's
# ENGINE_NAMES (settings check against it): the first with a voice for a language reads it by default.
ENGINE_CLASSES = {
    "piper": "listen.engines.piper.engine:PiperEngine",
    "pyttsx3": "listen.engines.pyttsx3_engine:Pyttsx3Engine",
}
ENGINES = {name: ENGINE_CLASSES[name] for name in ENGINE_NAMES}
# The test suite's hook, not a setting: stand-in classes for engines by name (support/fake_engine.py's
# quick fakes), from LISTEN_TEST_ENGINES. Read at import, so the processes a test starts (engine
# workers, `listen` commands, queue workers) see the same registry as the test.
ENGINES.update(engine_stand_ins())
_made: dict[str, Engine] = {}


def _listed(voices: list[Voice], voice: str) -> str | None:
    """Find a voice by its id, name or label, else the first that speaks a language tag; its id or None.

    A multi-speaker voice's speaker is chosen as ID#SPEAKER (a name from its list, or its number).
    """
    wanted, _, speaker = voice.strip().lower().partition("#")
    for v in voices:
        if wanted in (v.id.lower(), v.name.lower(), v.label.lower()):
            if not speaker:
                return v.id
            named = [s for i, s in enumerate(v.speakers) if speaker in (s.lower(), str(i))]
            return f"{v.id}#{named[0]}" if named else None
    if speaker:
        return None
    for v in voices:
        if wanted in (lang.lower() for lang in v.languages):
            return v.id
    return None


def primary_language(tags: tuple[str, ...] | list[str]) -> str:
    """The language of a voice's first tag: ("en-gb",) -> "en"."""
    return tags[0].replace("_", "-").split("-")[0].lower() if tags else ""


def is_listed_voice(voice: str) -> bool:
    """Tell whether some engine lists this voice (id, name, label or language), as opposed to a model's path.

    Engines also take a path to a model file: that is the command line's and the operator's feature.
    """
    return any(_listed(get_engine(name).voices(), voice) for name in ENGINES)


def get_engine(name: str = "pyttsx3") -> Engine:
    """Return the engine registered under a name (one object per process)."""
    if name not in _made:
        try:
            module, _, cls = ENGINES[name].partition(":")
        except KeyError:
            raise SettingsError(f"Unknown engine {name!r}; choose one of {', '.join(ENGINES)}.") from None
        _made[name] = getattr(importlib.import_module(module), cls)()
    return _made[name]


@dataclass(frozen=True)
class Speaker:
    """Who reads an article: an engine's name and one of its voice ids."""

    engine: str
    voice: str


def choose_speaker(
    language: str, engine: str | None = None, voice: str | None = None, chosen: str | None = None
) -> Speaker:
    """Pick the engine and voice for an article.

    An engine named is used; otherwise the first registered engine (the neural one
    first) that has the voice asked for or, with none asked for, the operator's voice for
    the language (`chosen`, LISTEN_VOICES) or else a voice for the article's language: an
    English article is read by Piper, a German one by espeak-ng unless a German Piper voice
    is installed.
    """
    if not voice:
        voice = operator_voice(language, engine, chosen)
    if engine:
        return Speaker(engine, get_engine(engine).resolve_voice(voice, language))
    for name in ENGINES:
        candidate = get_engine(name)
        if voice:
            try:
                return Speaker(name, candidate.resolve_voice(voice, language))
            except SettingsError:
                continue
        elif candidate.default_voice(language) is not None:
            return Speaker(name, candidate.resolve_voice(None, language))
    if voice and voice.strip().lower().endswith(".onnx"):
        get_engine("piper").resolve_voice(voice, language)  # says which file is missing or broken
    raise SettingsError(f"Unknown voice {voice!r}; run `listen voices` to see the voices there are.")


def operator_voice(language: str, engine: str | None, chosen: str | None) -> str | None:
    """The voice LISTEN_VOICES names for a language ("en-gb", then "en"), if it is there to read it.

    One named but not installed is an error that says how to install it; one of another
    engine than the one asked for is passed over.
    """
    wanted = voices_by_language(chosen)
    tag = language.replace("_", "-").lower()
    voice = wanted.get(tag) or wanted.get(tag.split("-")[0])
    if not voice:
        return None
    for name in (engine,) if engine else tuple(ENGINES):
        if _listed(get_engine(name).voices(), voice):
            return voice
    if engine and any(_listed(get_engine(other).voices(), voice) for other in ENGINES):
        return None
    raise SettingsError(
        f"There is no voice {voice!r} here to read {language!r} articles.",
        hint=f"LISTEN_VOICES names it: install it with `listen voices install {voice.split('#')[0]}`, "
        "or change LISTEN_VOICES.",
    )


def all_preloads(engines: tuple[str, ...] | None = None) -> tuple[str, ...]:
    """The modules these engines' workers (every registered engine's by default) want imported ahead of the fork."""
    out: list[str] = []
    for name in ENGINES if engines is None else engines:
        out += [m for m in get_engine(name).preload if m not in out]
    return tuple(out)


def all_voices() -> list[Voice]:
    """Every engine's voices, in the engines' order of preference: the neural voices first."""
    return [v for name in ENGINES for v in get_engine(name).voices()]


_WORD = re.compile(r"\[\[.*?\]\]|\S+")


def snap_to_words(text: str, timings: list[WordTiming]) -> list[WordTiming]:
    """Widen each timing to the whole written token it starts in, merging timings of one token.

    An engine's word may cover part of a token (espeak-ng counts inside "[[...]]" phoneme
    input) or stop short of its punctuation; a player highlights whole tokens.
    """
    tokens = [(m.start(), m.end()) for m in _WORD.finditer(text)]
    out: list[WordTiming] = []
    for t in timings:
        span = next(((a, b) for a, b in tokens if t.start < b), None)
        if span is None:
            continue
        if out and out[-1].start == span[0]:
            out[-1] = WordTiming(
                span[0], span[1], out[-1].start_sample, max(out[-1].end_sample, t.end_sample)
            )
        else:
            out.append(WordTiming(span[0], span[1], t.start_sample, t.end_sample))
    return out


_LANGUAGE_NAMES = {
    "en": "English",
    "es": "Spanish",
    "de": "German",
    "fr": "French",
    "pt": "Portuguese",
    "it": "Italian",
    "nl": "Dutch",
}
_REGION_NAMES = {"us": "US", "gb": "British", "au": "Australian", "br": "Brazilian", "mx": "Mexican"}
