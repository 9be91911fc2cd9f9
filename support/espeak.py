"""What espeak-ng says: a text's phonemes, for comparing spoken forms by sound (tests and bench/text_eval.py)."""

from __future__ import annotations

import subprocess


def phonemes(text: str, voice: str = "en") -> str:
    """Return espeak-ng's phonemes for a text, stress-free, clause breaks as "|"."""
    out = subprocess.run(
        ["espeak-ng", "-q", "-x", "--ipa", "-v", voice, text], capture_output=True, text=True, check=True
    ).stdout
    # Word spacing is dropped: "p.m." and "P M" are the same sounds, split differently.
    clauses = ["".join(line.split()) for line in out.splitlines() if line.strip()]
    return " | ".join(clauses).replace("ˈ", "").replace("ˌ", "")
