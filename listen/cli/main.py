"""The `listen` command. ListenError becomes a one-line message and an exit code here, and only here."""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from listen import __version__
from listen.config import Settings, debug_enabled
from listen.engines import ENGINES
from listen.errors import ExitStatus, ListenError, NotFoundError, OutputError, from_os_error

EXAMPLES = """examples:
  listen speak article.txt -o article.mp3
  curl -s https://example.com/story | listen speak - -o story.mp3 --voice en-gb --rate 190
  listen script article.txt --json
  listen speak article.txt -o article.mp3 --engine pyttsx3
  listen batch articles/*.txt -o out/ --jobs 2
  listen cache prune --max-size 500MB
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="listen", description="Read articles aloud: text, HTML or URL in; MP3, timings and captions out.",
        epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"listen {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    common = argparse.ArgumentParser(add_help=False)
    # SUPPRESS: a sub-command repeats this option, and its default must not overwrite a
    # --cache-dir given before it (`listen cache --cache-dir X stats` means X).
    common.add_argument("--cache-dir", type=Path, default=argparse.SUPPRESS,
                        help="cache folder (default audio_cache/ or $LISTEN_CACHE_DIR)")

    voice = argparse.ArgumentParser(add_help=False)
    voice.add_argument("--engine", choices=list(ENGINES),
                       help="speech engine (default: piper where it has a voice for the language, else pyttsx3)")
    voice.add_argument("--voice", help="voice id, name or language tag (see `listen voices`), or a Piper PATH.onnx")
    voice.add_argument("--rate", type=int, help="speed in words per minute (80-450, default 170)")
    voice.add_argument("--language", help="article language, e.g. en, es (default: detect)")
    voice.add_argument("--lexicon", type=Path, help="pronunciation rules file (YAML or JSON)")
    voice.add_argument("--no-intro", action="store_true", help="read the headline only, not 'By ...' and site/date")
    voice.add_argument("--jobs", type=int, help="engine worker processes (default: one per core)")

    p = sub.add_parser("speak", parents=[common, voice], help="render one article to OUT.mp3 (+ .json timings, .vtt captions)")
    p.add_argument("input", help="a text or HTML file, a URL, or - for standard input")
    p.add_argument("-o", "--output", type=Path, required=True, help="the MP3 to write")

    p = sub.add_parser("script", parents=[common, voice], help="print what the engine will be given, without rendering")
    p.add_argument("inputs", nargs="+", metavar="INPUT")
    p.add_argument("--json", action="store_true", help="one JSON object per input per line")

    p = sub.add_parser("batch", parents=[common, voice], help="render many articles into a folder")
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="files, URLs, files of URLs, sitemaps or feeds")
    p.add_argument("-o", "--output", type=Path, required=True, help="folder for the MP3s")
    p.add_argument("--queue", action="store_true", help="let `listen worker` processes render (needs LISTEN_REDIS_URL)")
    p.add_argument("--no-wait", action="store_true", help="with --queue: enqueue, print a summary and return")
    p.add_argument("--refresh", action="store_true",
                   help="ask each URL's server whether the page changed (ETag, Last-Modified); re-render only changed ones")

    p = sub.add_parser("feed", help="write a podcast feed (RSS) for a folder written by `listen batch`")
    p.add_argument("folder", type=Path, metavar="DIR", help="the folder of MP3s, timings and captions")
    p.add_argument("-o", "--output", type=Path, help="the feed to write (default DIR/feed.xml)")
    p.add_argument("--base-url", required=True, help="the address DIR is served at, e.g. https://example.com/audio/")
    p.add_argument("--title", help="the podcast's title (default: the folder's name)")
    p.add_argument("--image", help="the address of the podcast's square cover image")

    p = sub.add_parser("serve", parents=[common], help="serve the web player and API")
    p.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, help="port (default 8000, or $PORT)")

    p = sub.add_parser("worker", parents=[common], help="render queued articles (needs LISTEN_REDIS_URL)")
    p.add_argument("--jobs", type=int, help="engine worker processes (default: one per core)")
    p.add_argument("--burst", action="store_true", help="stop when the queue is empty")
    p.add_argument("--name", help="worker name shown in RQ (default: host and process id)")

    p = sub.add_parser("voices", parents=[common], help="list the voices")
    p.add_argument("--language", help="only voices for this language, e.g. en")

    p = sub.add_parser("cache", parents=[common], help="cache statistics and pruning")
    cache_sub = p.add_subparsers(dest="cache_command", required=True, metavar="ACTION")
    cache_sub.add_parser("stats", parents=[common], help="entries and size")
    prune = cache_sub.add_parser("prune", parents=[common], help="evict least recently used entries")
    prune.add_argument("--max-size", required=True, help="size to shrink to, with a unit: 500MB, 2GB")
    prune.add_argument("--dry-run", action="store_true", help="list what would be deleted, delete nothing")

    p = sub.add_parser("lexicon", parents=[common], help="pronunciation rules")
    lex_sub = p.add_subparsers(dest="lexicon_command", required=True, metavar="ACTION")
    test = lex_sub.add_parser("test", help="print what will be said for a text")
    test.add_argument("text")
    test.add_argument("--lexicon", type=Path, help="pronunciation rules file (YAML or JSON)")
    test.add_argument("--language", help="language of the text (default en)")
    test.add_argument("--engine", choices=list(ENGINES), help="the engine whose phoneme input to show (default: as for speak)")
    return parser


def settings_from(args: argparse.Namespace) -> Settings:
    """Environment first, then the flags that were given."""
    return Settings.from_env(
        cache_dir=getattr(args, "cache_dir", None),
        engine=getattr(args, "engine", None),
        voice=getattr(args, "voice", None),
        rate=getattr(args, "rate", None),
        language=getattr(args, "language", None),
        lexicon=getattr(args, "lexicon", None),
        engine_workers=getattr(args, "jobs", None),
        intro=False if getattr(args, "no_intro", False) else None,
        host=getattr(args, "host", None),
        port=getattr(args, "port", None),
    )


# -- commands -------------------------------------------------------------------------------------
# Each command imports the stages it uses inside itself: `listen --version` or `listen cache stats`
# must not pay for NLTK, lxml or trafilatura, and an unchanged article is found in a quarter second.


def cmd_speak(args: argparse.Namespace, settings: Settings) -> int:
    from listen.render.workers import start_engine_server

    out = _check_output_file(args.output)
    _refuse_inputs(out, [args.input])
    # The engines' fork server loads its modules on the other core while this process
    # loads the pipeline and reads the article; a cached article never waits for it.
    start_engine_server((settings.render.engine,) if settings.render.engine else tuple(ENGINES))
    from listen.reading.loader import load
    from listen.render.renderer import Renderer

    article = load(args.input, settings)
    with Renderer(settings) as renderer:
        rendition = renderer.render(article, progress=_progress_line if sys.stderr.isatty() else None)
    write_outputs(rendition, out)
    seconds = rendition.timings["duration_ms"] / 1000
    print(f"Wrote {out} ({_clock(seconds)}, {len(rendition.timings['sentences'])} sentences; "
          f"{rendition.chunks_rendered} chunks rendered, {rendition.pieces_rendered} pieces encoded)", file=sys.stderr)
    return ExitStatus.OK


def cmd_script(args: argparse.Namespace, settings: Settings) -> int:
    from listen.reading.loader import load
    from listen.text.language import NORMALISED, primary_tag
    from listen.text.script import build_script, script_language

    failures: list[ListenError] = []
    for source in args.inputs:
        # One input that fails must not stop the others: say why, in its place, and go on.
        try:
            article = load(source, settings)
            script = build_script(article, settings.render,
                                  phonemes=_alphabet(settings, script_language(article, settings.render)))
        except Exception as exc:  # noqa: BLE001 - every failure becomes one line; see _input_error
            error = _input_error(exc)
            failures.append(error)
            if args.json:
                print(json.dumps({"source": source, "error": {"code": error.code, "message": error.message}},
                                 ensure_ascii=False), flush=True)
            else:
                print(f"listen: {source}: {error.message}", file=sys.stderr, flush=True)
            continue
        language = script.language
        normalised = primary_tag(language) in NORMALISED
        _say_language(source, language, given=bool(settings.render.language), normalised=normalised)
        if args.json:
            print(json.dumps({**script.to_json(), "normalised": normalised}, ensure_ascii=False), flush=True)
        else:
            for sentence in script.sentences:
                for chunk in sentence.chunks:
                    print(chunk)
    if not failures:
        return ExitStatus.OK
    if len(args.inputs) == 1:
        return failures[0].exit_code
    return ExitStatus.ERROR


def _say_language(source: str, language: str, given: bool, normalised: bool) -> None:
    """Tell on stderr which language an input is read in, and who reads its numbers and dates."""
    how = "as given" if given else "detected"
    reading = ("numbers, dates and symbols said by our normaliser" if normalised else
               f"no normaliser for {language}: the engine's own {language} reading of numbers, dates and symbols "
               "is used")
    print(f"listen: {source}: language {language} ({how}); {reading}", file=sys.stderr, flush=True)


def _input_error(exc: BaseException) -> ListenError:
    """Turn what went wrong with one input of many into a ListenError to report in its place."""
    if isinstance(exc, ListenError):
        return exc
    if isinstance(exc, OSError):
        return from_os_error(exc)
    if isinstance(exc, Exception) and not debug_enabled():
        return ListenError(f"internal error: {type(exc).__name__}: {exc}. Please report it; "
                           "run again with LISTEN_DEBUG=1 for the details.")
    raise exc


def cmd_batch(args: argparse.Namespace, settings: Settings) -> int:
    from listen.cli.naming import output_names
    from listen.reading.article_urls import expand_sources
    from listen.render.renderer import Renderer

    out_dir: Path = args.output
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"Cannot create {out_dir} ({exc.strerror}); choose another folder with -o.") from None
    sources = expand_sources(args.inputs, settings.service)
    inputs = [*args.inputs, *sources]
    names = output_names(sources)
    if args.queue or args.no_wait:
        return _batch_on_queue(sources, names, out_dir, settings, wait=not args.no_wait, inputs=inputs)
    failures: list[tuple[str, str]] = []
    done = skipped = 0
    started = time.monotonic()
    pages = PageMemory(out_dir)
    with Renderer(settings) as renderer:
        for n, source in enumerate(sources):
            _bar(n, len(sources), source, started)
            try:
                target = _refuse_inputs(out_dir / (names[source] + ".mp3"), inputs)
                article = pages.load(source, settings, refresh=args.refresh and target.exists())
                if article is None or _up_to_date(target, renderer.plan(article).key):
                    skipped += 1
                    continue
                inside = _article_progress(n, len(sources), source, started)
                write_outputs(renderer.render(article, progress=inside), target)
                done += 1
            except Exception as exc:  # noqa: BLE001 - one failing input never stops the batch
                failures.append(_failed(source, _input_error(exc).message))
    _bar(len(sources), len(sources), "", started)
    return _summary("rendered", done, skipped, failures, len(sources), started)


class PageMemory:
    """A batch folder's record of each URL's ETag and Last-Modified (`.listen-pages.json`), so
    `batch --refresh` asks the server whether a page changed instead of fetching it whole."""

    def __init__(self, folder: Path):
        self.path = folder / ".listen-pages.json"
        try:
            self.pages: dict[str, dict[str, str | None]] = json.loads(self.path.read_text("utf-8"))
        except (OSError, ValueError):
            self.pages = {}

    def load(self, source: str, settings: Settings, refresh: bool) -> Any:
        """The article at `source`, or None when a refresh finds its page unchanged."""
        from listen.reading.fetch import fetch
        from listen.reading.loader import from_page, load

        if not re.match(r"^https?://", source, re.I):
            return load(source, settings)
        known = self.pages.get(source, {}) if refresh else {}
        page = fetch(source, settings.service, etag=known.get("etag"), last_modified=known.get("last_modified"))
        if page.not_modified:
            return None
        self.pages[source] = {"etag": page.etag, "last_modified": page.last_modified}
        _replace_with(self.path, json.dumps(self.pages, indent=1).encode("utf-8"))  # never through a planted link
        return from_page(page, source, settings)


def _failed(source: str, message: str) -> tuple[str, str]:
    """Report a failed input, once, as it happens (the summary counts it)."""
    if sys.stderr.isatty():
        print("\r" + " " * 100 + "\r", end="", file=sys.stderr)
    print(f"listen: failed: {source}: {message}", file=sys.stderr, flush=True)
    return source, message


def _batch_on_queue(sources: list[str], names: dict[str, str], out_dir: Path, settings: Settings, wait: bool,
                    inputs: list[str]) -> int:
    """Enqueue every article for `listen worker`; then wait, writing each MP3 as a worker finishes it."""
    from listen.queue.client import FAILED, READY, QueueError, RenderQueue
    from listen.reading.loader import load
    from listen.render.renderer import Renderer

    if not settings.service.redis_url:
        raise QueueError("--queue needs LISTEN_REDIS_URL (e.g. redis://127.0.0.1:6379/0), shared with the workers.")
    queue = RenderQueue(settings)
    renderer = Renderer(settings)  # plans only: the workers render
    pending: dict[str, tuple[str, Path]] = {}
    failures: list[tuple[str, str]] = []
    done = skipped = 0
    started = time.monotonic()

    def collect(block: bool) -> None:
        """Write out what the workers have finished; record what they gave up on."""
        nonlocal done
        for key, (source, target) in list(pending.items()):
            info = queue.status(key) or {"status": READY}
            stored = renderer.cache.get_rendition(key) if info["status"] == READY else None
            if stored is not None:
                write_outputs(SimpleNamespace(mp3=stored.mp3, vtt=stored.vtt, timings=stored.public_timings()), target)
                done += 1
            elif info["status"] in (READY, FAILED):
                failures.append(_failed(source, info.get("error") or "lost from the queue (was Redis restarted?); "
                                        "run again"))
            else:
                continue
            del pending[key]
            _bar(done + skipped + len(failures), len(sources), source, started)
        if block:
            time.sleep(0.5)

    for source in sources:
        try:
            target = _refuse_inputs(out_dir / (names[source] + ".mp3"), inputs)
            article = load(source, settings)
            plan = renderer.plan(article)
            if _up_to_date(target, plan.key):
                skipped += 1
                continue
            while wait and queue.length >= settings.service.queue_limit:  # a back catalogue waits its turn
                collect(block=True)
            queue.submit(plan.key, article, settings, plan.script.title, len(plan.script.sentences),
                         sum(len(x.chunks) for x in plan.script.sentences))
            pending[plan.key] = (source, target)
        except Exception as exc:  # noqa: BLE001 - one failing input never stops the batch
            failures.append(_failed(source, _input_error(exc).message))
    if not wait:
        print(f"{len(pending)} queued, {skipped} already up to date, {len(failures)} failed of {len(sources)}; "
              f"{queue.length} jobs waiting for `listen worker`", file=sys.stderr)
        return ExitStatus.ERROR if failures else ExitStatus.OK
    if pending and not queue.workers():
        print("listen: no worker is listening yet; start `listen worker` where the cache folder is shared",
              file=sys.stderr)
    while pending:
        collect(block=True)
    return _summary("rendered by workers", done, skipped, failures, len(sources), started)


def _summary(verb: str, done: int, skipped: int, failures: list[tuple[str, str]], total: int,
             started: float) -> int:
    """Print a batch's counts (each failure was reported as it happened); the exit code is 1 if any failed."""
    if sys.stderr.isatty():
        print(file=sys.stderr)  # end the progress line
    print(f"{done} {verb}, {skipped} already up to date, {len(failures)} failed "
          f"of {total} in {time.monotonic() - started:.1f} s", file=sys.stderr)
    return ExitStatus.ERROR if failures else ExitStatus.OK


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    try:
        from web.serve import serve
    except ImportError as exc:
        raise ListenError(f"The web app is not installed ({exc}); run `make run`.") from None
    serve(settings)
    return ExitStatus.OK


def cmd_worker(args: argparse.Namespace, settings: Settings) -> int:
    from listen.queue.worker import run_worker

    return run_worker(settings, burst=args.burst, name=args.name)


def cmd_voices(args: argparse.Namespace, settings: Settings) -> int:
    from listen.engines import all_voices

    for v in all_voices():  # neural voices first
        if args.language and not any(lang.lower().startswith(args.language.lower()) for lang in v.languages):
            continue
        print(f"{v.id:28} {v.label:40} {','.join(v.languages):12} {v.engine}")
    return ExitStatus.OK


def cmd_cache(args: argparse.Namespace, settings: Settings) -> int:
    from listen.cache.store import Cache
    from listen.config import parse_size

    root = settings.service.cache_dir
    # Looking at or pruning a cache must never create one: a mistyped path is an error, not an empty cache.
    if not (root / "chunks").is_dir():
        raise NotFoundError(f"There is no cache at {root.absolute()}; give the folder with --cache-dir "
                            "(or LISTEN_CACHE_DIR).")
    if args.cache_command == "stats":
        cache = Cache(root)
        stats = cache.stats()
        print(f"{stats['root']}: {stats['chunks']} chunks, {stats['pieces']} pieces, {stats['renditions']} renditions, "
              f"{stats['bytes'] / 1e6:.1f} MB")
        return ExitStatus.OK
    limit = parse_size(args.max_size, unit_required=True)
    cache = Cache(root)
    removed, freed = cache.prune(limit, dry_run=args.dry_run)
    left = cache.stats()["bytes"]
    if args.dry_run:
        print(f"Would remove {removed} entries ({freed / 1e6:.1f} MB), leaving {(left - freed) / 1e6:.1f} MB; "
              "nothing was deleted")
    else:
        print(f"Removed {removed} entries ({freed / 1e6:.1f} MB); {left / 1e6:.1f} MB left")
    return ExitStatus.OK


def cmd_lexicon(args: argparse.Namespace, settings: Settings) -> int:
    from listen.text.normalize import to_spoken_with_map
    from listen.text.script import load_lexicon

    language = settings.render.language or "en"
    spoken, _ = to_spoken_with_map(args.text, language, load_lexicon(settings.render), _alphabet(settings, language))
    print(spoken)
    return ExitStatus.OK


def cmd_feed(args: argparse.Namespace, settings: Settings) -> int:
    from listen.publish.podcast import folder_feed

    out: Path = args.output or args.folder / "feed.xml"
    xml = folder_feed(args.folder, args.base_url, title=args.title, image=args.image)
    _check_output_file(out)
    # The feed reads each episode's MP3 and timings: it must never replace one of them.
    episodes = [str(p) for mp3 in args.folder.glob("*.mp3") for p in (mp3, mp3.with_suffix(".json"))]
    if any(os.path.exists(p) and os.path.samefile(out, p) for p in episodes if out.exists()):
        raise OutputError(f"Writing {out} would replace an episode the feed lists; choose another path with -o.")
    try:
        _replace_with(out, xml)
    except OSError as exc:
        raise OutputError(f"Cannot write {out} ({exc.strerror}); choose another path with -o.") from None
    print(f"Wrote {out} ({xml.count(b'<item>')} episodes)", file=sys.stderr)
    return 0


def _alphabet(settings: Settings, language: str) -> str | None:
    """The phoneme alphabet of the engine that would read this language with these settings."""
    from listen.engines import choose_speaker, get_engine

    s = settings.render
    return get_engine(choose_speaker(language, s.engine, s.voice).engine).phoneme_alphabet


COMMANDS = {"speak": cmd_speak, "script": cmd_script, "batch": cmd_batch, "feed": cmd_feed, "serve": cmd_serve,
            "worker": cmd_worker, "voices": cmd_voices, "cache": cmd_cache, "lexicon": cmd_lexicon}


# -- output files -----------------------------------------------------------------------------------


def _check_output_file(path: Path) -> Path:
    """Refuse an output we cannot write before doing any work."""
    if path.is_dir():
        raise OutputError(f"{path} is a folder; give a file name such as {path / 'article.mp3'}.")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise OutputError(f"The folder {parent} does not exist; create it or choose another -o path.")
    if not os.access(parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise OutputError(f"Cannot write to {path}; choose a path you can write with -o.")
    return path


def _outputs(out: Path) -> list[Path]:
    """The files `speak` writes for an output path: the MP3, its timings and its captions."""
    return [out, out.with_suffix(".json"), out.with_suffix(".vtt")]


def _refuse_inputs(out: Path, inputs: list[str]) -> Path:
    """Refuse an output whose MP3, timings or captions would replace one of the inputs."""
    sources = [Path(i) for i in inputs if i != "-" and "://" not in i]
    for target in _outputs(out):
        for source in sources:
            try:
                same = os.path.samefile(target, source)
            except (OSError, ValueError):  # one of them does not exist, or cannot be a path
                continue
            if same:
                raise OutputError(
                    f"Writing {out} would replace the input {source} with {'the MP3' if target == out else target.name}; "
                    "choose another output name with -o."
                )
    return out


def write_outputs(rendition: Any, out: Path) -> None:
    """Copy the MP3, timings and captions beside each other, each through a temp file and a rename.

    Each temp file gets a random name, created exclusively (O_EXCL) in the target
    folder, so a file or symlink planted at a guessable name is never written through.
    """
    timings = json.dumps(rendition.timings, ensure_ascii=False, indent=1).encode("utf-8")
    mp3, timings_path, vtt = _outputs(out)
    try:
        _replace_from(mp3, rendition.mp3)
        _replace_from(vtt, rendition.vtt)
        _replace_with(timings_path, timings)
    except OSError as exc:
        raise OutputError(f"Cannot write {out} ({exc.strerror}); check the folder and free space.") from None


def _replace_from(dst: Path, src: Path) -> None:
    with open(src, "rb") as f:
        _replace_with(dst, f)


def _replace_with(dst: Path, content: bytes | Any) -> None:
    """Write bytes (or a file's contents) to a fresh temp file beside dst, then rename it over dst."""
    fd, name = tempfile.mkstemp(prefix=f".{dst.name}.", suffix=".tmp", dir=dst.parent)
    try:
        with os.fdopen(fd, "wb") as tmp:
            if isinstance(content, bytes):
                tmp.write(content)
            else:
                shutil.copyfileobj(content, tmp)
        os.replace(name, dst)
    except BaseException:
        os.unlink(name)
        raise


def _up_to_date(target: Path, key: str) -> bool:
    try:
        return target.exists() and json.loads(target.with_suffix(".json").read_text("utf-8")).get("id") == key
    except (OSError, ValueError):
        return False


# -- progress -----------------------------------------------------------------------------------------


def _clock(seconds: float) -> str:
    return f"{int(seconds // 60)}:{int(seconds % 60):02d}"


def _progress_line(p: Any) -> None:
    print(f"\rrendering {p.done}/{p.total} sentences ({_clock(p.duration_ms / 1000)})", end="", file=sys.stderr)
    if p.done == p.total:
        print(file=sys.stderr)


def _article_progress(n: int, total: int, source: str, started: float) -> Any:
    """On a terminal, show the sentences done inside the article being rendered; elsewhere nothing."""
    if not sys.stderr.isatty():
        return None

    def show(p: Any) -> None:
        _bar(n, total, source, started, inside=f"{p.done}/{p.total} sentences")

    return show


def _bar(done: int, total: int, label: str, started: float, inside: str = "") -> None:
    """Show a batch's progress: redrawn in place on a terminal, a line per input started elsewhere."""
    width = 30
    filled = int(width * done / total) if total else width
    elapsed = time.monotonic() - started
    line = f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {elapsed:5.0f}s {label[-40:]}"
    if inside:
        line += f" ({inside})"
    if sys.stderr.isatty():
        print("\r" + line.ljust(100), end="", file=sys.stderr, flush=True)
    elif label:
        print(line, file=sys.stderr, flush=True)


# -- entry point ----------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = settings_from(args)
        return COMMANDS[args.command](args, settings)
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
        print(f"listen: internal error: {type(exc).__name__}: {exc}. Please report it; "
              "run again with LISTEN_DEBUG=1 for the details.", file=sys.stderr)
        return ExitStatus.INTERNAL_ERROR


if __name__ == "__main__":
    sys.exit(main())
