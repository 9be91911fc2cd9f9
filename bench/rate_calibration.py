"""How fast each engine really speaks, in words per minute, on real renders: the pace calibration.

Renders the seed article's first 14 engine chunks (323 words, as the pipeline says
them) with espeak-ng at nominal rates and with Piper's bundled voice (Joe, named: not
English's default, which may be another installed voice) at length scales, trims each
chunk's leading and trailing silence the way the pipeline does, and divides
the words by the seconds of speech (pauses at commas included). The tables printed are
ESPEAK_PACE and PIPER_PACE in listen/engines/piper/engine.py: a rate maps to the length
scale at which Piper speaks as many words a minute as espeak-ng does at that rate.

Measured 2026-11-29 on the shared 2-core machine:

    espeak-ng nominal wpm:   80     120    170    250    350    450
    measured wpm:            81.0   114.3  160.7  229.6  305.0  400.3

    Piper (Joe) length_scale: 0.3   0.4    0.5    0.7    1.0    1.4    1.8
    measured wpm:             318.7 283.8  254.6  209.4  161.6  126.2  101.1

So 170 wpm is length_scale 1.01 on Piper (161.6 measured vs espeak-ng's 160.7).
With --check, prints what each engine measures at the given rates with the mapping in use.
"""

from __future__ import annotations

import sys

from common import SEED


def chunks() -> list[str]:
    from listen.config import Settings
    from listen.reading.plaintext import from_text
    from listen.text.script import build_script

    script = build_script(from_text(SEED.read_text(), str(SEED)), Settings().render)
    return [c for s in script.sentences[:14] for c in s.chunks][:14]


def measured_wpm(engine_name: str, rate: int, texts: list[str]) -> float:
    from listen.audio.chunk import process_chunk
    from listen.engines import get_engine
    from listen.engines.pipeline_rate import to_pipeline_rate
    from listen.engines.piper.voices import BUNDLED

    engine = get_engine(engine_name)
    # PIPER_PACE is Joe's pace: the bundled voice, whatever else is installed or English's default
    # here. espeak-ng reads with English's default voice, as the pipeline does.
    voice = BUNDLED if engine_name == "piper" else engine.default_voice("en")
    seconds = 0.0
    for text in texts:
        out = to_pipeline_rate(engine.synthesize(text, voice, rate))
        seconds += process_chunk(out.samples, -16.0, -1.0, 8).size / 22050
    return sum(len(t.split()) for t in texts) / seconds * 60


def main(argv: list[str]) -> None:
    from listen.engines.piper import engine as piper_engine

    texts = chunks()
    print(f"{len(texts)} chunks, {sum(len(t.split()) for t in texts)} words")
    if argv and argv[0] == "--check":
        for rate in [int(r) for r in argv[1:]] or [170]:
            for name in ("pyttsx3", "piper"):
                print(f"{name:8} at {rate} wpm: {measured_wpm(name, rate, texts):6.1f} wpm measured")
        return
    for nominal, _ in piper_engine.ESPEAK_PACE:
        rate = int(nominal)
        print(f"espeak-ng nominal {rate:3}: {measured_wpm('pyttsx3', rate, texts):6.1f} wpm measured")
    for scale, _ in piper_engine.PIPER_PACE:
        piper_engine.length_scale = lambda _rate, s=scale: s  # type: ignore[assignment]
        print(f"piper length_scale {scale:.1f}: {measured_wpm('piper', 170, texts):6.1f} wpm measured")


if __name__ == "__main__":
    main(sys.argv[1:])
