"""What the engine host imports before it forks anything: imported for its effect, in the host only.

The host (engine_host.py) forks two kinds of process: engine workers, which need the audio
code, every engine's modules and Piper's default voice (loaded here by shared_voice, so
the workers share its weights); and, when one is running, the `listen speak` and `listen
batch` commands themselves (listen/cli/hosted.py), which need the CLI, reading, text and
planning code. Imported once here, none of it costs a forked process anything: a command
the host runs starts its work without a quarter of a second of imports.

The engines' modules come first: a command's first worker waits for them, not for the rest.
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
)

for _module in engine_modules(tuple(ENGINES)) + COMMAND_MODULES:
    with contextlib.suppress(ImportError):
        importlib.import_module(_module)
