"""The `listen` command: argv in, files and an exit status out; ListenError becomes a one-line message here."""

from listen.cli.main import main

__all__ = ["main"]
