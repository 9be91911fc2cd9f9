"""`listen speak` and `listen batch` run by the engine host, when one is running.

A command spends a quarter of a second importing the CLI, reading, text and planning code
before it reads its article; after an edit, that is a quarter of the whole run. The engine
host (listen/render/engine_host.py) has that code imported already (host_preload.py). So
when a host for this interpreter, code and settings is running, the command asks it to fork
the command itself: with this process's working folder, environment, umask, arguments and
standard input, output and error (their descriptors, not copies). This process waits,
passes on the signals it gets (^C is SIGINT), and exits with the command's status. The
forked command dies with this process, and forks its engine workers from the same host.

No host running (the first command after a while, LISTEN_ENGINE_LINGER_S=0) or one that
does not answer: the command runs here, as always, and leaves a host for the next one.
This module imports little: it runs before the rest of the CLI is loaded.
"""

from __future__ import annotations

import contextlib
import io
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from types import FrameType

from listen.render.engine_host import (
    CHILD_SIGNALS,
    HOST_PRELOAD,
    Descriptor,
    HostedProcess,
    HostUnavailable,
    running_host,
)

HOSTED_COMMANDS = ("speak", "batch")


def run_hosted(argv: list[str], run: Callable[[list[str]], int]) -> int | None:
    """Have the engine host run this command (`run(argv)`); its exit status, or None to run it here."""
    if not argv or argv[0] not in HOSTED_COMMANDS or not _standard_streams_open():
        return None
    address = running_host(HOST_PRELOAD)
    if address is None:
        return None
    process = HostedProcess(
        address,
        run_command,
        (run, str(address), dict(os.environ), argv, _umask(), os.getpid(), *map(Descriptor, (0, 1, 2))),
    )
    try:
        process.start()
    except HostUnavailable:
        return None
    return _wait(process)


def _standard_streams_open() -> bool:
    """Whether descriptors 0, 1 and 2 are open (a closed one cannot be passed on)."""
    try:
        for fd in (0, 1, 2):
            os.fstat(fd)
    except OSError:
        return False
    return True


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _wait(process: HostedProcess) -> int:
    """Wait for the hosted command, passing our signals on to it; its exit status, as a shell shows it."""
    assert process.pid is not None
    pid = process.pid

    def forward(signum: int, _frame: FrameType | None) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signum)

    for signum in CHILD_SIGNALS:
        signal.signal(signum, forward)
    if os.environ.get("LISTEN_DEBUG"):
        print(f"listen: run by the engine host, as process {pid}", file=sys.stderr, flush=True)
    process.join()
    code = process.exitcode if process.exitcode is not None else 1
    return code if code >= 0 else 128 - code  # killed by signal N: 128 + N


# -- in the host's fork ----------------------------------------------------------------------------


def run_command(
    run: Callable[[list[str]], int],
    address: str,
    environ: dict[str, str],
    argv: list[str],
    umask: int,
    client_pid: int,
    stdin: int,
    stdout: int,
    stderr: int,
) -> None:
    """Be the client's command: its streams, environment and arguments; exit with its status."""
    from listen.errors import ExitStatus
    from listen.lifetime import die_with_process
    from listen.render import engine_host

    # ^C stops a command (KeyboardInterrupt); one that comes before it has begun, as well.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    code: int = ExitStatus.INTERRUPTED
    with contextlib.suppress(KeyboardInterrupt):
        die_with_process(client_pid)
        for fd, standard in ((stdin, 0), (stdout, 1), (stderr, 2)):
            os.dup2(fd, standard)
            os.close(fd)
        os.environ.clear()
        os.environ.update(environ)
        os.umask(umask)
        _reopen_standard_streams()
        engine_host.serving = Path(address)
        sys.argv = ["listen", *argv]
        code = _status(run, argv)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError, KeyboardInterrupt):
            stream.flush()
    os._exit(code)


def _status(run: Callable[[list[str]], int], argv: list[str]) -> int:
    try:
        return int(run(argv))
    except SystemExit as exc:  # argparse: --help, or a usage error
        if exc.code is None or isinstance(exc.code, int):
            return exc.code or 0
        print(exc.code, file=sys.stderr)
        return 1


def _reopen_standard_streams() -> None:
    """sys.stdin, stdout and stderr on the client's descriptors, encoded and buffered as Python would."""
    sys.stdin = _text_stream(sys.__stdin__, 0, "rb")
    sys.stdout = _text_stream(sys.__stdout__, 1, "wb", line_buffering=os.isatty(1))
    sys.stderr = _text_stream(sys.__stderr__, 2, "wb", line_buffering=True)


def _text_stream(like: object, fd: int, mode: str, line_buffering: bool = False) -> io.TextIOWrapper:
    """A text stream on `fd` with the encoding and error handling of the host's own (same locale)."""
    return io.TextIOWrapper(
        open(fd, mode, closefd=False),
        encoding=getattr(like, "encoding", None) or "utf-8",
        errors=getattr(like, "errors", None) or "strict",
        line_buffering=line_buffering,
    )
