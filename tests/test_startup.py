"""What `listen speak` does on its way to the first engine call: what it imports, what the engines'
fork server is given, and what a piece's worker does before it speaks (bench/startup_bench.py
times it; no test here is timed)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import SHORT_ARTICLE

import listen.render.pieces as pieces_module
from listen.reading.plaintext import from_text
from listen.render.workers import AUDIO_MODULES, engine_modules

ROOT = Path(__file__).resolve().parent.parent


def imported_after(code: str, env: dict[str, str] | None = None) -> str:
    """What a fresh Python prints after running code (the repository's listen, not an installed one)."""
    environ = dict(os.environ if env is None else env, PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=environ, cwd=ROOT
    ).stdout.strip()


def test_the_command_line_imports_a_command_only_when_it_runs():
    # `listen speak` starts the engines' fork server sooner for not loading batch, serve and the rest first.
    code = (
        "import sys, listen.cli.main; "
        "print(sorted(m for m in ('listen.cli.speak', 'listen.cli.batch', 'listen.cli.operate') if m in sys.modules))"
    )
    assert imported_after(code) == "[]"


def test_every_command_runs_through_the_table():
    from listen.cli.main import COMMANDS, command
    from listen.cli.parser import build_parser

    named = set(build_parser()._subparsers._group_actions[0].choices)  # type: ignore[union-attr]
    assert set(COMMANDS) == named
    assert all(callable(command(name)) for name in COMMANDS)


def test_the_engine_server_is_told_to_start_numpy_with_one_blas_thread_before_it_imports_numpy():
    modules = engine_modules(("piper",))
    assert modules.index("listen.render.engine_server") < modules.index("listen.render.pieces")
    code = "import listen.render.engine_server, os; print(os.environ['OPENBLAS_NUM_THREADS'])"
    unset = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    assert imported_after(code, unset) == "1"
    assert imported_after(code, dict(unset, OPENBLAS_NUM_THREADS="2")) == "2", (
        "an operator's own value is kept"
    )


def test_a_piece_speaks_its_missing_chunk_before_it_reads_its_cached_ones(renderer, monkeypatch):
    article = from_text(SHORT_ARTICLE)
    renderer.render(article)
    plan = renderer.plan(article)
    piece = next(p for p in plan.pieces if len(p.sentences) > 1)
    keys = [k for ks in piece.chunk_keys for k in ks]
    renderer.cache.chunk_path(keys[-1]).unlink()  # the piece's last sentence, as if it had been edited
    made = renderer.cache.piece_path(piece.key).read_bytes()
    renderer.cache.piece_path(piece.key).unlink()
    events: list[tuple[str, str]] = []
    real_get, real_render = pieces_module.get_chunk, pieces_module._render_chunk

    def get_chunk(cache, key):  # type: ignore[no-untyped-def]
        events.append(("read", key))
        return real_get(cache, key)

    def render_chunk(task, cache, sentence, key, text):  # type: ignore[no-untyped-def]
        events.append(("speak", key))
        return real_render(task, cache, sentence, key, text)

    monkeypatch.setattr(pieces_module, "get_chunk", get_chunk)
    monkeypatch.setattr(pieces_module, "_render_chunk", render_chunk)
    layout = pieces_module.render_piece(renderer._task(piece, plan.speaker))
    assert events[0] == ("speak", keys[-1])
    assert [key for what, key in events if what == "read"] == keys[:-1]
    assert layout["engine_calls"] == 1
    assert renderer.cache.piece_path(piece.key).read_bytes() == made, (
        "the piece made in reading order, as before"
    )


def test_the_engine_server_does_not_load_package_metadata_it_never_reads():
    # The engine's version (for chunk keys) is worked out by the planner; the server only speaks.
    from listen.engines.piper.engine import (
        PiperEngine,
    )  # the real engine's modules, not the tests' stand-in's

    server = AUDIO_MODULES + PiperEngine.preload
    modules = [m for m in server if m != "listen.engines.piper.shared_voice"]  # not the voice itself: slow
    code = f"import sys, importlib; [importlib.import_module(m) for m in {modules!r}]; print('importlib.metadata' in sys.modules)"
    assert imported_after(code) == "False"
