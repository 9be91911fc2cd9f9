"""What the engine host imports before it forks anything: imported for its effect, in the host only.

The host (engine_host.py) forks two kinds of process: engine workers, which need the audio
code, every engine's modules and Piper's default voice (loaded here by shared_voice, so
the workers share its weights); and, when one is running, the `listen speak` and `listen
batch` commands themselves (listen/cli/hosted.py), which need the CLI, reading, text and
planning code. Imported once here, none of it costs a forked process anything: a command
the host runs starts its work without a quarter of a second of imports.

The engines' modules come first: a command's first worker waits for them, not for the rest.
Then what a command makes on first use (the parser, Punkt's English model) is made once.
A module that fails to import is left to the process that needs it, which says why.
"""

from __future__ import annotations

import contextlib
import importlib

from listen.engines import ENGINES
from listen.render.workers import engine_modules

# What `listen speak` and `listen batch` import on their way to the first engine call.
COMMAND_MODULES = (
    "listen.cli.main",
    "listen.cli.parser",
    "listen.cli.speak",
    "listen.cli.batch",
    "listen.cli.output",
    "listen.cli.progress",
    "listen.reading.loader",
    "listen.reading.plaintext",
    "listen.text.normalize",
    "listen.text.segment",
    "listen.render.renderer",
    "listen.render.jingles",
    "mutagen.id3",  # the MP3's tags, written at the end
)


def _warm_up() -> None:
    """Make now what every command makes on first use (a third of a hosted command's own CPU)."""
    from listen.cli.parser import build_parser
    from listen.text.segment import tokenizer_for

    build_parser()  # argparse compiles its patterns, kept in re's cache
    tokenizer_for("en")  # Punkt's English parameters, read from their module


for _module in engine_modules(tuple(ENGINES)) + COMMAND_MODULES:
    with contextlib.suppress(ImportError):
        importlib.import_module(_module)
with contextlib.suppress(Exception):  # a command that needs what failed says why
    _warm_up()
