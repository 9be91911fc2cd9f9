"""Which language an article is in: the page's own lang attribute, else its script, else its small words.

A text in its own script (Cyrillic, Greek, Arabic, Hebrew, Devanagari, Hangul, kana, Han, Thai...)
says its language by its letters alone, however short. A Latin-script text is told by counting
frequent function words ("the", "de", "und", "yang", "ve"...): no model, nothing from the network.
A text with no evidence at all is taken as English; a short text that shows another language
never is.

NORMALISED is the one list of languages with a speech normaliser (numbers, dates and money said
in words); every other language espeak-ng speaks is read by the engine itself.
"""

from __future__ import annotations

import re
from collections import Counter

from listen.errors import SettingsError
from listen.text.wordlists import word_table

__all__ = ["LANGUAGES", "NORMALISED", "SUPPORTED", "check_language", "detect_language", "primary_tag"]

# Languages with a normaliser of their own (listen/text/normalize.py, listen/text/numbers.py).
NORMALISED = ("en", "es", "de", "fr", "pt", "it")
SUPPORTED = NORMALISED  # the name older callers use

# Languages espeak-ng speaks (its `--voices` list, by ISO 639 code): the ones we accept and detect.
LANGUAGES = (
    *NORMALISED,
    *"""
af am an ar as az ba be bg bn bs ca cs cv cy da el eo et eu fa fi ga gd gn gu he hi hr ht hu hy ia
id io is ja ka kk kl kn ko ku ky la lb lt lv mi mk ml mr ms mt my nb ne nl no om or pa pl qu ro ru
sd si sk sl sq sr sv sw ta te th tk tn tr tt ug uk ur uz vi zh yue cmn
""".split(),
)

# Frequent function words per language, chosen to tell apart the close pairs (data/stop_words.yaml).
STOP_WORDS: dict[str, str] = word_table("listen.text", "stop_words.yaml")
_WORDS = {lang: set(words.split()) for lang, words in STOP_WORDS.items()}
# Letters few of the languages use: a tie-breaker for short texts (shared ones count for each).
# fmt: off
_MARKERS = {"es": "ñ¿¡", "de": "ßäöü", "fr": "çèêëœ", "pt": "ãõ", "it": "ì", "pl": "ąęłńśźż", "tr": "ğışİöü",
            "ro": "ășțâî", "cs": "ěřůčšž", "hu": "őű", "vi": "ơưđạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ",
            "sv": "åäö", "da": "æøå", "no": "æøå", "nl": "ĳ"}
# fmt: on
# Scripts that name their language: (first, last code point, language).
# fmt: off
_SCRIPTS = [
    (0x0370, 0x03FF, "el"), (0x0400, 0x04FF, "ru"), (0x0530, 0x058F, "hy"), (0x0590, 0x05FF, "he"),
    (0x0600, 0x06FF, "ar"), (0x0900, 0x097F, "hi"), (0x0980, 0x09FF, "bn"), (0x0A00, 0x0A7F, "pa"),
    (0x0A80, 0x0AFF, "gu"), (0x0B00, 0x0B7F, "or"), (0x0B80, 0x0BFF, "ta"), (0x0C00, 0x0C7F, "te"),
    (0x0C80, 0x0CFF, "kn"), (0x0D00, 0x0D7F, "ml"), (0x0D80, 0x0DFF, "si"), (0x0E00, 0x0E7F, "th"),
    (0x1000, 0x109F, "my"), (0x10A0, 0x10FF, "ka"), (0x1100, 0x11FF, "ko"), (0x1200, 0x137F, "am"),
    (0x3040, 0x30FF, "ja"), (0x3130, 0x318F, "ko"), (0x4E00, 0x9FFF, "zh"), (0xAC00, 0xD7AF, "ko"),
]
# fmt: on
# Within a script, letters that point to one of its other languages.
# fmt: off
_SCRIPT_MARKERS = {
    "ru": {"be": "ў", "uk": "іїєґ", "sr": "ђјљњћџ", "mk": "ѓќѕ", "bg": "ѝ"},
    "ar": {"fa": "پچژگی", "ur": "ٹڈڑںےھ"},
}
# fmt: on
_WORD_RE = re.compile(r"[^\W\d_]+")
_TEXT_LIMIT = 5000  # characters looked at: a few paragraphs decide, and the work stays bounded


def primary_tag(code: str | None) -> str:
    """The language part of a tag: "pt_BR" -> "pt", "zh-Hant" -> "zh"; "" for nothing usable."""
    lang = (code or "").strip().lower().replace("_", "-").split("-")[0]
    return {"nn": "no", "iw": "he", "in": "id", "fil": "tl"}.get(lang, lang)


def check_language(code: str) -> str:
    """Return the ISO 639 code of a language espeak-ng speaks, or raise a SettingsError saying what to use."""
    lang = primary_tag(code)
    if lang not in LANGUAGES:
        raise SettingsError(
            f"Language {code!r} is not one espeak-ng speaks; use an ISO 639-1 code such as "
            f"{', '.join(NORMALISED)}, ru, ja or id (see `listen voices`)."
        )
    return lang


def detect_language(text: str, hint: str | None = None) -> str:
    """Return the article's language code: a usable hint ("es-ES") wins, unless the text's script says otherwise.

    A hint that wins keeps its region ("en-GB" -> "en-gb"): the rules of regional English
    and the choice of a voice read it; everything else reads the base language.
    """
    text = text[:_TEXT_LIMIT]
    by_script = _script_language(text)
    if hint:
        try:
            lang = check_language(hint)
        except SettingsError:
            lang = ""  # an HTML lang we cannot read says nothing; look at the text
        # A page template's lang="en" on a Russian article, or lang="ja" on an English one: the letters win.
        if lang and _script_of(lang) == (_script_of(by_script) if by_script else "latin"):
            return _with_region(lang, hint)
    if by_script:
        return by_script
    return _latin_language(text)


def _with_region(lang: str, tag: str) -> str:
    """The language with the tag's region, when the tag names one: ("en", "en_GB") -> "en-gb"."""
    region = tag.strip().lower().replace("_", "-").split("-")[1:2]
    return f"{lang}-{region[0]}" if region and re.fullmatch(r"[a-z]{2}|\d{3}", region[0]) else lang


def _script_of(lang: str) -> str:
    """A coarse script name for a language, to see whether a tag and a text agree."""
    for first, _, script_lang in _SCRIPTS:
        if script_lang == lang or lang in _SCRIPT_MARKERS.get(script_lang, {}):
            return f"{first:x}"
    if lang in ("ja", "zh", "yue", "cmn"):
        return "cjk"
    return "latin"


def _script_language(text: str) -> str | None:
    """The language a non-Latin script gives away, when such letters are a fair share of the text."""
    counts: Counter[str] = Counter()
    latin = 0
    for ch in text:
        code = ord(ch)
        if code < 0x0250:
            latin += ch.isalpha()
            continue
        for first, last, lang in _SCRIPTS:
            if first <= code <= last:
                counts[lang] += 1
                break
    if not counts:
        return None
    if counts["ja"]:  # kana: Japanese, even though most of its letters are Han
        counts["ja"] += counts.pop("zh", 0)
    lang, count = counts.most_common(1)[0]
    if count < max(2, latin // 3):
        return None  # a few foreign letters (a name, a quotation) in a Latin-script text
    for other, letters in _SCRIPT_MARKERS.get(lang, {}).items():
        if any(c in text for c in letters):
            return other
    return lang


def _latin_language(text: str) -> str:
    words = _WORD_RE.findall(text.lower())[:2000]
    scores: Counter[str] = Counter()
    for word in words:
        for lang, vocab in _WORDS.items():
            if word in vocab:
                scores[lang] += 1
    for lang, letters in _MARKERS.items():
        scores[lang] += 0.5 * sum(text.count(c) for c in letters) ** 0.5
    if not scores or max(scores.values()) == 0:
        return "en"
    # Ties go to the languages listed first: English, then those we normalise.
    order = list(STOP_WORDS)
    return max(order, key=lambda lang: (scores[lang], -order.index(lang)))
