"""`listen speak` and `listen script`: one article in, its MP3 (with timings and captions) or its script out.

Each command imports the stages it uses inside itself: `listen --version` or `listen cache
stats` must not pay for NLTK, lxml or trafilatura, and an unchanged article is found in a
quarter second.
"""

from __future__ import annotations

import argparse
import json
import sys

from listen.cli.output import check_output_file, refuse_inputs, write_outputs
from listen.cli.progress import clock, input_error, progress_line, say_if_teaser
from listen.config import ENGINE_NAMES, Settings
from listen.errors import ExitStatus, ListenError


def cmd_speak(args: argparse.Namespace, settings: Settings) -> int:
    from listen.render.workers import start_engine_server

    out = check_output_file(args.output)
    refuse_inputs(out, [args.input])
    # The engines' fork server loads its modules on the other core while this process
    # loads the pipeline and reads the article; a cached article never waits for it.
    start_engine_server(
        (settings.render.engine,) if settings.render.engine else ENGINE_NAMES,
        settings.service.engine_linger_s,
    )
    from listen.reading.loader import load
    from listen.render.renderer import Renderer

    article = load(args.input, settings)
    say_if_teaser(args.input, article)
    with Renderer(settings, hosted=True) as renderer:
        rendition = renderer.render(article, progress=progress_line if sys.stderr.isatty() else None)
    write_outputs(rendition, out)
    seconds = rendition.timings["duration_ms"] / 1000
    print(
        f"Wrote {out} ({clock(seconds)}, {len(rendition.timings['sentences'])} sentences; "
        f"{rendition.chunks_rendered} chunks rendered, {rendition.pieces_rendered} pieces encoded)",
        file=sys.stderr,
    )
    return ExitStatus.OK


def cmd_script(args: argparse.Namespace, settings: Settings) -> int:
    from listen.reading.loader import load
    from listen.text.language import NORMALISED, primary_tag
    from listen.text.script import build_script, script_language

    failures: list[ListenError] = []
    for source in args.inputs:
        # One input that fails must not stop the others: say why, in its place, and go on.
        try:
            article = load(source, settings)
            say_if_teaser(source, article)
            script = build_script(
                article,
                settings.render,
                phonemes=phoneme_alphabet(settings, script_language(article, settings.render)),
            )
        except Exception as exc:  # every failure becomes one line; see input_error
            error = input_error(exc)
            failures.append(error)
            if args.json:
                print(
                    json.dumps(
                        {"source": source, "error": {"code": error.code, "message": error.message}},
                        ensure_ascii=False,
                    ),
                    flush=True,
                )
            else:
                print(f"listen: {source}: {error.message}", file=sys.stderr, flush=True)
            continue
        language = script.language
        normalised = primary_tag(language) in NORMALISED
        _say_language(source, language, given=bool(settings.render.language), normalised=normalised)
        if args.json:
            print(json.dumps({**script.to_json(), "normalised": normalised}, ensure_ascii=False), flush=True)
        else:
            for sentence in script.sentences:
                for chunk in sentence.chunks:
                    print(chunk)
    if not failures:
        return ExitStatus.OK
    if len(args.inputs) == 1:
        return failures[0].exit_code
    return ExitStatus.ERROR


def _say_language(source: str, language: str, given: bool, normalised: bool) -> None:
    """Tell on stderr which language an input is read in, and who reads its numbers and dates."""
    from listen.text.language import primary_tag
    from listen.text.passes import PASSES

    how = "as given" if given else "detected"
    if primary_tag(language) in PASSES:
        reading = "the engine reads its numbers and dates; our normaliser says only what it misreads"
    elif normalised:
        reading = "numbers, dates and symbols said by our normaliser"
    else:
        reading = (
            f"no normaliser for {language}: the engine's own {language} reading of numbers, dates and symbols "
            "is used"
        )
    print(f"listen: {source}: language {language} ({how}); {reading}", file=sys.stderr, flush=True)


def phoneme_alphabet(settings: Settings, language: str) -> str | None:
    """The phoneme alphabet of the engine that would read this language with these settings."""
    from listen.engines import choose_speaker, get_engine

    s = settings.render
    return get_engine(choose_speaker(language, s.engine, s.voice, s.voices).engine).phoneme_alphabet
