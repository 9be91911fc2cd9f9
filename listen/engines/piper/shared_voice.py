"""Loads the default Piper voice in the engine workers' fork server, once, before any worker is forked.

Imported for its effect: it is one of the modules PiperEngine.preload asks the fork server
(listen/render/workers.py) to import. Each engine worker is then forked with the voice
already loaded, so
- the voice's weights (about 120 MB in onnxruntime) sit in pages the workers share with
  the server copy-on-write: counted once for the process tree, not once per worker;
- a worker's first chunk does not wait for the voice: the server loads it while the
  command is still reading the article.
onnxruntime runs its session on the calling thread (one intra-op thread, see
engine._piper_voice), so a forked copy of it works as the original does.
A voice that fails to load here is left to the worker, which loads it again and says why.
"""

from __future__ import annotations

import contextlib

from listen.engines.piper.engine import PiperEngine

with contextlib.suppress(Exception):  # the worker's own load reports the error
    PiperEngine().load()
