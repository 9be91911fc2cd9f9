"""The engine host: a fork server for engine workers that outlives one `listen` command.

Each command's engine workers are forked from a server that has imported the audio code and
loaded the default Piper voice (workers.py). Made afresh by every command, that server costs
half a second of CPU before the first sentence is spoken; an edited article then waits for
it. So CLI commands leave their server running, as a host on a Unix socket, for
`engine_linger_s` (LISTEN_ENGINE_LINGER_S) after its last worker ended: the next command
connects and has its workers forked at once. Servers (`listen serve`, `listen worker`) keep
their own pool for their lifetime and do not use a host.

One host serves one code, interpreter and environment: its socket's name is a digest of
them (see host_key), so a changed setting, an upgraded package or an edited source file
gets a new host, and the old one leaves when idle. The socket lives in a folder only this
user can enter; the host forks only for connections from this user. A worker forked by a
host dies with the host, and with the command it works for (lifetime.die_with_process).
Whatever goes wrong with a host (gone, hung, refused), the command falls back to a fork
server of its own (workers.WorkerPool): slower to start, never a failed render.

The protocol, one connection per worker: the command sends one message with the worker's
end of its task pipe (SCM_RIGHTS) and the pickled (cwd, target, arguments); the host
answers with the worker's pid, then, when the worker has ended, its exit code. A command
itself may be one of these processes (listen/cli/hosted.py): the target is the command and
the descriptors are its standard input, output and error.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import hashlib
import os
import pickle
import selectors
import signal
import socket
import struct
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

NUMBER = struct.Struct("q")  # a pid or an exit code
# What a command passes on to the processes it asked for (hosted.py): the host's children start
# with these at their defaults, and none sent before then is lost (Host._fork).
CHILD_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT)
# A command waits this long for its worker's pid: the host may still be loading the voice.
FORK_WAIT_S = 60.0
# The variables a worker's engines and libraries read (settings, folders, threads, locale): a
# command whose differ gets a host of its own. Others (a shell's, a script's loop variable) do
# not matter to a worker, and would leave a lingering host per value.
INHERITED_PREFIXES = (
    "LISTEN_",
    "XDG_",
    "PYTHON",
    "ESPEAK",
    "OMP_",
    "OPENBLAS_",
    "MKL_",
    "ORT_",
    "LC_",
    "LD_",
)
INHERITED_NAMES = frozenset({"HOME", "PATH", "LANG", "LANGUAGE", "TMPDIR", "TZ"})
# What the engine host CLI commands share imports: every engine's modules and the default voice,
# and the commands' own code, as it runs commands too (listen/cli/host_preload.py). One list,
# whatever engines a command names, so every command with the same settings finds one host.
HOST_PRELOAD = ("listen.cli.host_preload",)
# The host's code, run by a fresh interpreter with the command's module path (see start_host).
HOST_MAIN = "import sys; sys.path[:] = {path!r}; from listen.render.engine_host import serve; serve({args!r})"


class HostUnavailable(OSError):
    """No host answered, or it could not fork: the caller uses a fork server of its own."""


# In a command the host forked (listen/cli/hosted.py), the host it came from: its workers are
# forked there too, whatever modules the command names.
serving: Path | None = None


# -- where a host lives ------------------------------------------------------------------------


def host_key(preload: tuple[str, ...], environ: dict[str, str] | None = None) -> str:
    """A digest of everything a forked worker inherits from its host instead of the command."""
    environ = dict(os.environ if environ is None else environ)
    digest = hashlib.sha256()
    for part in (
        sys.executable,
        repr(sys.path),
        repr(preload),
        repr(
            sorted(
                (k, v) for k, v in environ.items() if k in INHERITED_NAMES or k.startswith(INHERITED_PREFIXES)
            )
        ),
        repr(_code_stamp()),
    ):
        digest.update(part.encode("utf-8", "surrogateescape") + b"\0")
    return digest.hexdigest()[:20]


@functools.cache
def _code_stamp() -> tuple[tuple[str, int, int], ...]:
    """Each listen source file's size and time, and each package folder's time (an install changes it).

    Only folders of installed packages: a working folder on the path changes with every file
    written there. Read once a process: a command asks for its host more than once, and the
    code it runs is the code it had when it started.
    """
    package = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
    stamp = []
    for folder, subfolders, files in os.walk(package):  # os.walk: a tenth of Path.rglob's time
        subfolders.sort()
        for name in sorted(files):
            if name.endswith(".py"):
                info = os.stat(os.path.join(folder, name))
                stamp.append((os.path.join(folder, name), info.st_mtime_ns, info.st_size))
    for entry in sys.path:
        if os.path.basename(entry) not in ("site-packages", "dist-packages"):
            continue
        with contextlib.suppress(OSError):
            stamp.append((entry, os.stat(entry or ".").st_mtime_ns, 0))
    return tuple(stamp)


def host_folder() -> Path | None:
    """This user's folder for host sockets ($XDG_RUNTIME_DIR/listen, else a private one in /tmp); None if unsafe."""
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    base = Path(runtime) / "listen" if runtime else Path(tempfile.gettempdir()) / f"listen-{os.getuid()}"
    try:
        base.mkdir(mode=0o700, exist_ok=True)
        info = base.lstat()
    except OSError:
        return None
    # A folder someone else made, or others may enter, could hold a socket of theirs.
    if info.st_uid != os.getuid() or info.st_mode & 0o077 or not base.is_dir() or base.is_symlink():
        return None
    return base


def supported() -> bool:
    return sys.platform.startswith("linux") and hasattr(socket, "send_fds")


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Hold this host's lock: one command at a time starts a host, and a host leaves under it."""
    with open(path, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _answers(address: Path) -> bool:
    with socket.socket(socket.AF_UNIX) as probe:
        try:
            probe.connect(str(address))
        except OSError:
            return False
    return True


def _host_address(preload: tuple[str, ...]) -> Path | None:
    """Where the socket of a host for these modules is (or would be); None where there can be none."""
    folder = host_folder()
    return folder / f"{host_key(preload)}.sock" if folder is not None and supported() else None


def running_host(preload: tuple[str, ...]) -> Path | None:
    """The socket of a host for these modules, if one is there (none is started; it may not answer)."""
    address = _host_address(preload)
    return address if address is not None and address.is_socket() else None


def ensure_host(preload: tuple[str, ...], linger_s: float) -> Path:
    """The socket of a running host for these modules: the one there is, or one started now.

    A host started now answers at once; it forks its first worker once it has imported the
    modules (the first fork waits for that, as with any fork server).
    """
    address = _host_address(preload)
    if address is None:
        raise HostUnavailable("no private folder for the engine host")
    with _locked(address.with_suffix(".lock")):
        if _answers(address):
            return address
        address.unlink(missing_ok=True)  # a host that died without clearing up
        with socket.socket(socket.AF_UNIX) as listener:
            listener.bind(str(address))
            os.chmod(address, 0o600)
            listener.listen(64)
            start_host(listener.fileno(), address, linger_s, preload)
    return address


def start_host(listener_fd: int, address: Path, linger_s: float, preload: tuple[str, ...]) -> None:
    """Start a host on this listening socket, in a session of its own, not a child of this command.

    A shell puts it in the background and exits, so the host is nobody's child to reap
    and no terminal's ^C reaches it. It never writes to the command's terminal or pipe (a
    caller reading our output to its end would wait for it): what its workers print on a
    crash goes to KEY.log beside its socket.
    """
    import subprocess  # here: a command run by a host never starts one, and loads less

    code = HOST_MAIN.format(path=sys.path, args=(listener_fd, str(address), linger_s, list(preload)))
    with open(address.with_suffix(".log"), "wb") as log:
        subprocess.run(
            ["/bin/sh", "-c", 'exec "$@" &', "listen-engine-host", sys.executable, "-c", code],
            pass_fds=(listener_fd,),
            start_new_session=True,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=log,
            check=True,
        )


# -- the command's side --------------------------------------------------------------------------


class HostedProcess:
    """A worker process forked by the host: what workers._Slot needs of a multiprocessing Process."""

    def __init__(self, address: Path, target: Callable[..., Any], args: tuple[Any, ...]):
        self.address = address
        self.target = target
        self.args = args
        self.pid: int | None = None
        self.exitcode: int | None = None
        self._status: socket.socket | None = None

    def start(self) -> None:
        """Have the host fork the worker; HostUnavailable if it does not within FORK_WAIT_S."""
        passed = [a.fileno() for a in self.args if isinstance(a, (Connection, Descriptor))]
        args = tuple(
            _PIPE if isinstance(a, Connection) else _FD if isinstance(a, Descriptor) else a for a in self.args
        )
        try:
            cwd = os.getcwd()
        except OSError as exc:  # the working folder was deleted: there is none to hand over
            raise HostUnavailable(f"no working folder to hand over ({exc})") from None
        message = pickle.dumps((cwd, self.target, args))
        status = socket.socket(socket.AF_UNIX)
        try:
            status.settimeout(FORK_WAIT_S)
            status.connect(str(self.address))
            socket.send_fds(status, [NUMBER.pack(len(message)) + message], passed)
            self.pid = _read_number(status)
        except (OSError, EOFError) as exc:
            status.close()
            raise HostUnavailable(f"the engine host did not start a worker ({exc})") from None
        status.settimeout(None)
        self._status = status

    def is_alive(self) -> bool:
        return self._status is not None and self.exitcode is None and not self._ended(0)

    def join(self, timeout: float | None = None) -> None:
        if self._status is not None and self.exitcode is None:
            self._ended(timeout)

    def kill(self) -> None:
        if self.pid is not None and self.exitcode is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)

    def _ended(self, timeout: float | None) -> bool:
        """Whether the host has said the worker ended (or has gone itself), waiting up to `timeout`."""
        assert self._status is not None
        with selectors.DefaultSelector() as wait:
            wait.register(self._status, selectors.EVENT_READ)
            if not wait.select(timeout):
                return False
        try:
            self.exitcode = _read_number(self._status)
        except (OSError, EOFError):  # the host died; its workers died with it
            self.exitcode = -signal.SIGKILL
        self._status.close()
        return True


class Descriptor(int):
    """A file descriptor among a worker's arguments: it is passed to the host, and arrives as a number."""

    def fileno(self) -> int:
        return int(self)


class _Pipe:
    """Stands for a Connection in a worker's arguments: the pipe itself travels beside, as a descriptor."""


class _Fd:
    """Stands for a Descriptor in a worker's arguments: the descriptor travels beside."""


_PIPE = _Pipe()
_FD = _Fd()


def _read_number(sock: socket.socket) -> int:
    data = b""
    while len(data) < NUMBER.size:
        more = sock.recv(NUMBER.size - len(data))
        if not more:
            raise EOFError("the engine host closed the connection")
        data += more
    return int(NUMBER.unpack(data)[0])


# -- the host's side -----------------------------------------------------------------------------


def _arrived(arg: Any, passed: Iterator[int]) -> Any:
    """A worker's argument as the host forks it: a stand-in becomes the next descriptor passed."""
    if isinstance(arg, _Pipe):
        return Connection(next(passed))
    if isinstance(arg, _Fd):
        return next(passed)
    return arg


def serve(args: tuple[int, str, float, list[str]]) -> None:
    """Run a host: import the modules, then fork a worker for each request until idle for linger_s."""
    listener_fd, address, linger_s, preload = args
    for module in preload:
        with contextlib.suppress(ImportError):  # a worker that needs it says why it is missing
            __import__(module)
    listener = socket.socket(fileno=listener_fd)
    pid_file = Path(address).with_suffix(".pid")
    pid_file.write_text(f"{os.getpid()}\n", "ascii")  # for an operator (and the tests) to find it by
    try:
        Host(listener, Path(address), linger_s).run()
    finally:
        with contextlib.suppress(OSError):
            if pid_file.read_text("ascii").strip() == str(os.getpid()):
                pid_file.unlink()


class Host:
    """The host's loop: requests in, workers forked, their exit codes sent back, gone when idle."""

    def __init__(
        self,
        listener: socket.socket,
        address: Path,
        linger_s: float,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.listener = listener
        self.address = address
        self.linger_s = linger_s
        self.clock = clock
        self.workers: dict[int, socket.socket] = {}  # pid -> the connection its command waits on
        self.idle_since = clock()
        self.own_fds: tuple[int, ...] = ()  # what a forked worker must not keep

    def run(self) -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        wake_r, wake_w = os.pipe()
        for fd in (wake_r, wake_w):
            os.set_blocking(fd, False)
        self.own_fds = (wake_r, wake_w)
        signal.signal(signal.SIGCHLD, lambda *_: None)
        signal.set_wakeup_fd(wake_w)  # a worker's end wakes the loop
        with selectors.DefaultSelector() as loop:
            loop.register(self.listener, selectors.EVENT_READ)
            loop.register(wake_r, selectors.EVENT_READ)
            while True:
                timeout = None if self.workers else max(0.0, self.idle_since + self.linger_s - self.clock())
                for key, _ in loop.select(timeout):
                    if key.fileobj is self.listener:
                        self._accept()
                    else:
                        with contextlib.suppress(BlockingIOError):
                            os.read(wake_r, 4096)
                        self._reap()
                if not self.workers and self.clock() >= self.idle_since + self.linger_s and self._leave():
                    return

    def _accept(self) -> None:
        try:
            conn, _ = self.listener.accept()
        except OSError:
            return
        self._serve_one(conn)

    def _serve_one(self, conn: socket.socket) -> None:
        self.idle_since = self.clock()
        try:
            self._fork(conn)
        except (OSError, EOFError, pickle.UnpicklingError, ValueError):  # a probe, or a command that left
            conn.close()

    def _fork(self, conn: socket.socket) -> None:
        uid = struct.unpack("3i", conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12))[1]
        if uid != os.getuid():
            raise OSError("another user")
        conn.settimeout(10)
        data, fds, _, _ = socket.recv_fds(conn, 65536, 16)
        if not data:
            raise EOFError
        size = NUMBER.unpack(data[: NUMBER.size])[0]
        data = data[NUMBER.size :]
        while len(data) < size:
            more = conn.recv(size - len(data))
            if not more:
                raise EOFError
            data += more
        cwd, target, args = pickle.loads(data)
        # The host ignores ^C, and a signal sent to an ignored one is lost: held until the
        # child has its own handlers, a signal sent as soon as the pid is known still counts.
        held = signal.pthread_sigmask(signal.SIG_BLOCK, CHILD_SIGNALS)
        pid = os.fork()
        if pid == 0:  # the worker
            code = 1
            try:
                self.listener.close()
                for fd in (*self.own_fds, *(c.fileno() for c in self.workers.values()), conn.fileno()):
                    os.close(fd)
                signal.set_wakeup_fd(-1)
                for sig in (signal.SIGCHLD, *CHILD_SIGNALS):
                    signal.signal(sig, signal.SIG_DFL)
                signal.pthread_sigmask(signal.SIG_SETMASK, held)
                os.chdir(cwd)
                passed = iter(fds)
                target(*(_arrived(a, passed) for a in args))
                code = 0
            except BaseException:
                import traceback

                traceback.print_exc()
            finally:
                os._exit(code)
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
        for fd in fds:
            os.close(fd)
        conn.settimeout(None)
        conn.sendall(NUMBER.pack(pid))
        self.workers[pid] = conn

    def _reap(self) -> None:
        while self.workers:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
            conn = self.workers.pop(pid, None)
            if conn is not None:
                with contextlib.suppress(OSError):
                    conn.sendall(NUMBER.pack(os.waitstatus_to_exitcode(status)))
                conn.close()
        if not self.workers:
            self.idle_since = self.clock()

    def _leave(self) -> bool:
        """Clear the socket away and say so, unless a command connected meanwhile (then stay)."""
        folder, key = self.address.parent, self.address.stem
        with _locked(folder / f"{key}.lock"):
            self.listener.setblocking(False)
            try:
                conn, _ = self.listener.accept()
            except BlockingIOError:
                self.address.unlink(missing_ok=True)
                log = self.address.with_suffix(".log")
                with contextlib.suppress(OSError):
                    if log.stat().st_size == 0:  # one that says what a worker printed stays
                        log.unlink()
                return True
            finally:
                self.listener.setblocking(True)
        self._serve_one(conn)
        return False


class EngineHost:
    """A command's way to its host: workers forked there, the host found or started on first use."""

    def __init__(self, preload: tuple[str, ...], linger_s: float):
        self.preload = preload
        self.linger_s = linger_s
        self.address: Path | None = None

    def connect(self) -> None:
        """Find or start the host now (a started one imports its modules while the command reads)."""
        if serving is not None:  # this command runs in a host: its workers come from there too
            self.address = serving
            return
        try:
            self.address = ensure_host(self.preload, self.linger_s)
        except OSError as exc:
            raise HostUnavailable(f"no engine host ({exc})") from None

    def start(self, target: Callable[..., Any], args: tuple[Any, ...]) -> HostedProcess:
        """A worker forked by the host; a host that left since is started again, once."""
        for attempt in (1, 2):
            if self.address is None or attempt == 2:
                self.connect()
            assert self.address is not None
            process = HostedProcess(self.address, target, args)
            try:
                process.start()
                return process
            except HostUnavailable:
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")
