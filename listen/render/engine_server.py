"""Prepares the engine workers' fork server before it imports numpy: imported first, for its effect.

Engine workers run one per core with one thread each (onnxruntime's threads are set by the
voice; see engines/piper/engine.py). numpy's OpenBLAS would start a thread per core as it
is imported, which the audio code never uses (its arithmetic is convolutions and FFTs, not
BLAS): one thread saves the fork server about 35 ms of CPU on the way to the first chunk,
and each worker the idle threads. A value set by whoever started listen is kept.
"""

from __future__ import annotations

from listen.config import one_blas_thread

one_blas_thread()
