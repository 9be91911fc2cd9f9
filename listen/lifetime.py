"""Child processes that never outlive the process they work for.

A `listen worker` killed with SIGKILL runs no clean-up: its RQ scheduler child, its engine
workers' fork server and its engine workers would run on (hundreds of MB each with Piper, the
scheduler holding its lock in Redis). Each such child asks the kernel to kill it when its
parent dies (Linux's PR_SET_PDEATHSIG), or exits when it sees that it has been orphaned.
"""

from __future__ import annotations

import ctypes
import os
import select
import signal
import sys
import threading

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def die_with_parent(parent_pid: int | None = None) -> None:
    """Have this process killed when its parent dies; exit now if it already has.

    Call it in a child made by its parent's main thread (or by a fork server's): Linux
    sends the signal when the thread that forked the child ends, not only its process.
    `parent_pid` is the parent as the caller knew it, to catch a parent that died
    before the request was made (the child then belongs to another process already).
    """
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # no prctl: the pipes' end-of-file still stops most children
            pass
    if parent_pid is not None and os.getppid() != parent_pid:
        os._exit(0)


def die_with_process(pid: int) -> None:
    """Exit when another process ends (one that is not our parent): a thread waits on its pidfd.

    An engine worker forked by the engine host works for a command that is not its parent;
    without this it would run its piece to the end after the command was killed. Where
    there are no pidfds (Linux before 5.3), it stops at its pipe's end instead.
    """
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        os._exit(0)
    except (AttributeError, OSError):
        return

    def wait() -> None:
        select.select([fd], [], [])
        os._exit(0)

    threading.Thread(target=wait, daemon=True, name="listen-die-with").start()
