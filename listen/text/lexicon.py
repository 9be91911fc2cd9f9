"""Publisher pronunciation rules: words or regexes rewritten before normalisation.

A rules file is YAML or JSON, either a list of rules or {"rules": [...]}. Each rule:

    match: Cochabamba          # a word or phrase (whole words), or a regex with `regex: true`
    say: cocha-bahmba          # a respelling espeak-ng reads right
    phonemes: k,otS@b'amb@     # espeak-ng phoneme mnemonics, for engines that accept [[...]]
    ipa: kˌotʃəbˈæmbə          # or IPA, for engines that read IPA (Piper)
    language: en               # optional: only when reading this language
    case_sensitive: false      # optional, default false

Phonemes are used when the engine takes phoneme input in their alphabet: pyttsx3
reads espeak mnemonics (its workers turn on espeak-ng's "[[...]]" input), Piper reads
IPA, and gets a rule's `phonemes` as the IPA espeak-ng itself gives for them when the
rule has no `ipa`. Otherwise `say` is used, and a rule with only phonemes leaves the
word as written.

There is no fingerprint: the audio cache keys on the final spoken text, so a changed rule
re-renders exactly the sentences whose spoken text it changes.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import yaml

from listen.errors import InputError
from listen.text.language import NORMALISED as LANGUAGES

__all__ = ["Lexicon", "Rule"]

_KEYS = {"match", "say", "phonemes", "ipa", "language", "case_sensitive", "regex"}
# The espeak-ng voice whose phoneme table turns a rule's mnemonics into IPA, per language.
_ESPEAK_VOICES = {"en": "en-us"}


# libyaml's loader when PyYAML was built with it: ten times faster on the starter lexicon.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Rule:
    """One pronunciation rule."""

    match: str
    say: str | None = None
    phonemes: str | None = None
    ipa: str | None = None
    language: str | None = None
    case_sensitive: bool = False
    regex: bool = False

    def pattern(self) -> re.Pattern:
        """Compile the rule's match; plain words match whole words only."""
        source = self.match if self.regex else r"(?<!\w)" + re.escape(self.match) + r"(?!\w)"
        return re.compile(source, 0 if self.case_sensitive else re.IGNORECASE)

    def replacement(self, phonemes: bool | str | None, language: str = "en") -> str:
        """Say what replaces a match: [[phonemes]] in the engine's alphabet if the rule has them, or the respelling.

        `phonemes` is the engine's phoneme alphabet: "espeak" (or True), "ipa", or None.
        """
        alphabet = "espeak" if phonemes is True else phonemes or None
        if alphabet == "espeak" and self.phonemes:
            return f"[[{self.phonemes}]]"
        if alphabet == "ipa" and self.ipa:
            return f"[[{self.ipa}]]"
        if alphabet == "ipa" and self.phonemes:
            from listen.text.ipa import espeak_to_ipa

            return f"[[{espeak_to_ipa(self.phonemes, _ESPEAK_VOICES.get(language, language))}]]"
        return self.say if self.say is not None else ""

    def speaks_in(self, phonemes: bool | str | None) -> bool:
        """Whether the rule has anything to say to an engine with this phoneme alphabet."""
        alphabet = "espeak" if phonemes is True else phonemes or None
        return (
            self.say is not None
            or (alphabet == "espeak" and bool(self.phonemes))
            or (alphabet == "ipa" and bool(self.phonemes or self.ipa))
        )


class Lexicon:
    """An ordered set of rules; earlier rules win where matches overlap at the same place."""

    def __init__(self, rules: list[Rule] | tuple[Rule, ...] = ()):
        self.rules = tuple(rules)
        self._compiled = [(rule, rule.pattern()) for rule in self.rules]

    def __len__(self) -> int:
        return len(self.rules)

    def __repr__(self) -> str:
        return f"Lexicon({len(self.rules)} rules)"

    @classmethod
    def load(cls, path: str | Path) -> Lexicon:
        """Read a rules file (YAML or JSON); an unusable file is an InputError saying what to fix."""
        path = Path(path)
        try:
            raw = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise InputError(f"Lexicon file {path} not found; check the path or drop the option.") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"Cannot read lexicon file {path} ({exc}); save it as UTF-8 text.") from None
        try:
            data = json.loads(raw) if path.suffix.lower() == ".json" else yaml.load(raw, Loader=_YAML_LOADER)
        except (json.JSONDecodeError, yaml.YAMLError) as exc:
            raise InputError(
                f"Lexicon file {path} is not valid {path.suffix.lstrip('.') or 'YAML'}: {exc}"
            ) from None
        return cls.from_data(data, source=str(path))

    @classmethod
    def from_data(cls, data: object, source: str = "lexicon") -> Lexicon:
        """Build a lexicon from parsed YAML/JSON: a list of rules or {"rules": [...]}."""
        if isinstance(data, dict) and set(data) == {"rules"}:
            data = data["rules"]
        if data is None:
            data = []
        if not isinstance(data, list):
            raise InputError(
                f"{source}: expected a list of rules (or {{rules: [...]}}), got {type(data).__name__}."
            )
        return cls([_rule(entry, i + 1, source) for i, entry in enumerate(data)])

    @classmethod
    def default(cls) -> Lexicon:
        """Load the starter lexicon of news acronyms and names shipped with listen."""
        text = resources.files("listen.text").joinpath("data/lexicon.yaml").read_text(encoding="utf-8")
        return cls.from_data(yaml.load(text, Loader=_YAML_LOADER), source="listen/text/data/lexicon.yaml")

    def merged(self, other: Lexicon) -> Lexicon:
        """Combine with another lexicon whose rules win (a publisher's over the starter)."""
        replaced = {(r.match.lower(), r.language) for r in other.rules}
        kept = [r for r in self.rules if (r.match.lower(), r.language) not in replaced]
        return Lexicon(list(other.rules) + kept)

    def apply(self, text: str, language: str = "en", phonemes: bool | str | None = False) -> str:
        """Rewrite every match in one pass: a replacement is never matched again."""
        out, pos = [], 0
        for start, end, said in self.edits(text, language, phonemes):
            out += [text[pos:start], said]
            pos = end
        out.append(text[pos:])
        return "".join(out)

    def edits(
        self, text: str, language: str = "en", phonemes: bool | str | None = False
    ) -> list[tuple[int, int, str]]:
        """Say where the rules rewrite a text: (start, end, replacement), in order, never overlapping.

        Normalisation applies these itself, so it can map the spoken words back to the text.
        """
        found = []
        for order, (rule, pattern) in enumerate(self._compiled):
            if rule.language and rule.language != language:
                continue
            for m in pattern.finditer(text):
                if m.end() > m.start():
                    # Earliest first; at the same place the longest, then the earliest rule.
                    found.append((m.start(), -(m.end() - m.start()), order, m.end(), rule, m))
        found.sort(key=lambda f: f[:3])
        edits, pos = [], 0
        for start, _, _, end, rule, m in found:
            if start < pos:
                continue
            if not rule.speaks_in(phonemes):
                continue  # a phonemes-only rule, and an engine without that phoneme input: say it as written
            said = rule.replacement(phonemes, language)
            edits.append((start, end, m.expand(said) if rule.regex else said))
            pos = end
        return edits


def _is_unicode_text(text: str) -> bool:
    """Tell whether text is real Unicode: a lone surrogate (from a "\\ud800" escape) cannot be written out."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _rule(entry: object, number: int, source: str) -> Rule:
    """Check one rule entry and build it; errors name the rule and the fix."""
    where = f"{source}, rule {number}"
    if not isinstance(entry, dict):
        raise InputError(f"{where}: each rule must be a mapping like {{match: DEA, say: D E A}}.")
    unknown = set(entry) - _KEYS
    if unknown:
        raise InputError(
            f"{where}: unknown key(s) {', '.join(sorted(unknown))}; allowed: {', '.join(sorted(_KEYS))}."
        )
    match = entry.get("match")
    if not isinstance(match, str) or not match.strip():
        raise InputError(f"{where}: `match` must be a non-empty word, phrase or regex.")
    say, phonemes, ipa = entry.get("say"), entry.get("phonemes"), entry.get("ipa")
    if say is None and phonemes is None and ipa is None:
        raise InputError(f"{where} ({match!r}): give `say` (a respelling), `phonemes` or `ipa`.")
    if any(value is not None and not isinstance(value, str) for value in (say, phonemes, ipa)):
        raise InputError(f"{where} ({match!r}): `say`, `phonemes` and `ipa` must be text.")
    if any("[[" in value or "]]" in value for value in (phonemes or "", ipa or "")):
        raise InputError(f"{where} ({match!r}): give phonemes without [[ ]]; listen adds them.")
    for name, text in (("match", match), ("say", say), ("phonemes", phonemes), ("ipa", ipa)):
        if text is not None and not _is_unicode_text(text):
            raise InputError(
                f"{where}: `{name}` holds a lone surrogate (half of a UTF-16 pair); write the character whole."
            )
    language = entry.get("language")
    if language is not None and language not in LANGUAGES:
        raise InputError(
            f"{where} ({match!r}): language must be one of {', '.join(LANGUAGES)}, not {language!r}."
        )
    for flag in ("case_sensitive", "regex"):
        if not isinstance(entry.get(flag, False), bool):
            raise InputError(f"{where} ({match!r}): `{flag}` must be true or false.")
    rule = Rule(
        match=match,
        say=say,
        phonemes=phonemes,
        ipa=ipa,
        language=language,
        case_sensitive=entry.get("case_sensitive", False),
        regex=entry.get("regex", False),
    )
    try:
        rule.pattern()
    except re.error as exc:
        raise InputError(
            f"{where}: {match!r} is not a valid regex ({exc}); escape special characters."
        ) from None
    return rule
