"""The `listen` command: argv in, an exit status out. ListenError becomes a one-line message and an
exit code here, and only here.

The grammar is in parser.py; the commands are in speak.py (speak, script), batch.py and
operate.py (serve, worker, voices, cache, lexicon, feed); what they write is in output.py
and what they show as they go in progress.py.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse

    from listen.config import Settings

# Each command's module is imported when it runs: `listen speak` starts the engines' fork
# server sooner for not loading the other commands first.
COMMANDS = {
    "speak": "listen.cli.speak:cmd_speak",
    "script": "listen.cli.speak:cmd_script",
    "batch": "listen.cli.batch:cmd_batch",
    "feed": "listen.cli.operate:cmd_feed",
    "serve": "listen.cli.operate:cmd_serve",
    "worker": "listen.cli.operate:cmd_worker",
    "voices": "listen.cli.operate:cmd_voices",
    "cache": "listen.cli.operate:cmd_cache",
    "lexicon": "listen.cli.operate:cmd_lexicon",
}


def command(name: str) -> Callable[[argparse.Namespace, Settings], int]:
    """The function that runs a command, its module imported now."""
    module, _, function = COMMANDS[name].partition(":")
    return getattr(importlib.import_module(module), function)


def main(argv: list[str] | None = None) -> int:
    """The program: run the command line's command, in the engine host if one is running (hosted.py)."""
    if argv is None:
        # Only here are the command's arguments, streams and environment this process's own.
        from listen.cli.hosted import run_hosted

        status = run_hosted(sys.argv[1:], run)
        if status is not None:
            return status
    return run(argv)


def run(argv: list[str] | None = None) -> int:
    """Run one `listen` command; turn what went wrong into one line on stderr and an exit status.

    Its modules are imported here, not above: a command the engine host runs never loads them here.
    """
    from listen.cli.parser import build_parser, settings_from
    from listen.config import debug_enabled
    from listen.errors import ExitStatus, ListenError, from_os_error
    from listen.render.jingles import check_jingles

    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        _check_working_folder()
        settings = settings_from(args)
        check_jingles(settings.render)  # a file ffmpeg cannot read stops here, not at the first render
        return command(args.command)(args, settings)
    except ListenError as exc:
        print(f"listen: error: {exc.message}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("listen: interrupted", file=sys.stderr)
        return ExitStatus.INTERRUPTED
    except BrokenPipeError:
        return ExitStatus.OK
    except OSError as exc:  # the machine refused (a port, a permission, a full disk): say so, not "a bug"
        if debug_enabled():
            raise
        error = from_os_error(exc)
        print(f"listen: error: {error.message}", file=sys.stderr)
        return error.exit_code
    except Exception as exc:  # a bug of ours: say so in one line, full trace only on request
        if debug_enabled():
            raise
        print(
            f"listen: internal error: {type(exc).__name__}: {exc}. Please report it; "
            "run again with LISTEN_DEBUG=1 for the details.",
            file=sys.stderr,
        )
        return ExitStatus.INTERNAL_ERROR


def _check_working_folder() -> None:
    """A deleted working folder stops a command here, said plainly (engine workers cannot start in it)."""
    from listen.errors import SettingsError

    try:
        os.getcwd()
    except FileNotFoundError:
        raise SettingsError(
            "the current folder no longer exists; cd to a folder that does and run the command again."
        ) from None


if __name__ == "__main__":
    sys.exit(main())
