"""What espeak-ng says: a text's phonemes, for comparing spoken forms by sound (tests and bench/text_eval.py).

`phonemes` runs the espeak-ng command once per text; `Phonemizer` loads libespeak-ng once and
phonemises many texts in one process (bench/text_eval.py compares tens of thousands of sentences).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import subprocess


def phonemes(text: str, voice: str = "en") -> str:
    """Return espeak-ng's phonemes for a text, stress-free, clause breaks as "|"."""
    out = subprocess.run(
        ["espeak-ng", "-q", "-x", "--ipa", "-v", voice, text], capture_output=True, text=True, check=True
    ).stdout
    return _plain([line for line in out.splitlines() if line.strip()])


def _plain(clauses: list[str]) -> str:
    # Word spacing is dropped: "p.m." and "P M" are the same sounds, split differently.
    joined = " | ".join("".join(clause.split()) for clause in clauses if clause.strip())
    return joined.replace("ˈ", "").replace("ˌ", "")


class Phonemizer:
    """espeak-ng's phonemes for many texts from one loaded library (the same reading as `phonemes`)."""

    _IPA = 0x02  # espeak_TextToPhonemes: phonemes as IPA characters
    _UTF8 = 1

    def __init__(self, voice: str = "en"):
        name = ctypes.util.find_library("espeak-ng") or "libespeak-ng.so.1"
        self._lib = ctypes.cdll.LoadLibrary(name)
        self._lib.espeak_TextToPhonemes.restype = ctypes.c_char_p
        self._lib.espeak_TextToPhonemes.argtypes = [
            ctypes.POINTER(ctypes.c_void_p),
            ctypes.c_int,
            ctypes.c_int,
        ]
        # AUDIO_OUTPUT_SYNCHRONOUS, no buffer, default data path, no options.
        if self._lib.espeak_Initialize(0x02, 0, None, 0) < 0:
            raise RuntimeError("libespeak-ng could not be initialised")
        self.voice = ""
        self.use(voice)

    def use(self, voice: str) -> None:
        if voice != self.voice:
            if self._lib.espeak_SetVoiceByName(voice.encode()) != 0:
                raise ValueError(f"espeak-ng has no voice {voice!r}")
            self.voice = voice

    def __call__(self, text: str) -> str:
        """Return the phonemes of one text, stress-free, clause breaks as "|"."""
        buffer = ctypes.create_string_buffer(text.encode("utf-8"))
        pointer = ctypes.c_void_p(ctypes.addressof(buffer))
        clauses = []
        while pointer.value:
            out = self._lib.espeak_TextToPhonemes(ctypes.byref(pointer), self._UTF8, self._IPA)
            clauses.append((out or b"").decode("utf-8", "replace"))
        return _plain(clauses)
