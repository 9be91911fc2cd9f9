"""espeak-ng phoneme mnemonics to IPA, as espeak-ng itself gives them.

Lexicon `phonemes:` rules are written in espeak-ng's mnemonics ("k,otS@b'amb@"),
which pyttsx3 reads as they are. Piper reads IPA: the rule reaches it as the IPA
espeak-ng prints for the same phonemes, never as raw mnemonics.
"""

from __future__ import annotations

import subprocess
import unicodedata
from functools import lru_cache

from listen.errors import InputError


@lru_cache(maxsize=1024)
def espeak_to_ipa(mnemonics: str, voice: str = "en-us") -> str:
    """Ask espeak-ng (`--ipa` on "[[mnemonics]]") for the IPA of phoneme mnemonics in a voice's phoneme table."""
    try:
        out = subprocess.run(
            ["espeak-ng", "-q", "--ipa", "-v", voice, f"[[{mnemonics}]]"],
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        ).stdout
    except (OSError, subprocess.SubprocessError) as exc:
        raise InputError(
            f"Could not turn phonemes {mnemonics!r} into IPA with espeak-ng ({exc}); "
            "is espeak-ng installed? Or give the rule `ipa:` instead."
        ) from None
    ipa = " ".join(out.split())
    if not ipa:
        raise InputError(f"espeak-ng gives no sound for phonemes {mnemonics!r}; check the rule's mnemonics.")
    # Piper maps single code points to phoneme ids, accents apart (it decomposes its own IPA too).
    return unicodedata.normalize("NFD", ipa)
