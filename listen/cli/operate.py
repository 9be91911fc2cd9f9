"""Running a service and looking after it: `listen serve`, `worker`, `voices`, `cache`, `lexicon` and `feed`.

Arguments and Settings in; a running server or queue worker, a listing, a pruned cache
or a podcast feed out. `serve` is the only place the library imports the web app, and
only when that command runs.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path

from listen.cli.output import check_output_file
from listen.cli.speak import phoneme_alphabet
from listen.config import Settings, parse_size
from listen.errors import ExitStatus, ListenError, NotFoundError, OutputError
from listen.files import write_atomic


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


MORE_VOICES = (
    "More natural (Piper) voices: `listen voices available [--language LANG]` lists them, "
    "`listen voices install NAME` installs one."
)


def cmd_voices(args: argparse.Namespace, settings: Settings) -> int:
    action = args.voices_command or "list"
    if action == "available":
        return _available(args.language, settings)
    if action == "install":
        return _install(args.names, settings)
    if action == "remove":
        return _remove(args.names)
    from listen.engines import all_voices

    for v in all_voices():  # neural voices first
        if args.language and not any(lang.lower().startswith(args.language.lower()) for lang in v.languages):
            continue
        print(f"{v.id:28} {v.label:44} {','.join(v.languages):14} {v.gender or '-':7} {v.engine}")
        if v.speakers:
            names = ", ".join(v.speakers[:10]) + (", ..." if len(v.speakers) > 10 else "")
            print(f"{'':28} speakers: {names} (choose one as --voice {v.id}#SPEAKER)")
    print(MORE_VOICES, file=sys.stderr)
    return ExitStatus.OK


def _available(language: str | None, settings: Settings) -> int:
    from listen.config import data_dir
    from listen.engines.piper.catalogue import describe, model_cards, read_catalogue
    from listen.engines.piper.voices import installed_voices

    voices = read_catalogue(settings.service.voice_catalogue)
    if language:
        wanted = language.replace("-", "_").lower()
        voices = [v for v in voices if v.language.lower().startswith(wanted)]
    cards = model_cards(
        settings.service.voice_catalogue, voices, data_dir(settings.service) / "piper" / "cards"
    )
    here = {v.id for v in installed_voices()}
    row = "{:34} {:8} {:22} {:7} {:7} {:>8} {:>9} {}"
    print(row.format("NAME", "LANGUAGE", "ACCENT", "GENDER", "QUALITY", "SPEAKERS", "SIZE", "LICENCE"))
    for v in voices:
        d = describe(v, cards[v.key])
        name = f"{v.key} *" if v.key in here else v.key
        size = f"{v.size_bytes / 1e6:.1f} MB"
        print(
            row.format(
                name,
                v.language,
                v.accent[:22],
                d["gender"] or "-",
                v.quality,
                d["speakers"],
                size,
                d["licence"] or "?",
            )
        )
    print(
        f"{len(voices)} voices (* installed); `listen voices install NAME` installs one. "
        "A voice's licence is its dataset's: read its model card before you publish with it.",
        file=sys.stderr,
    )
    return ExitStatus.OK


def _install(names: list[str], settings: Settings) -> int:
    from listen.engines import get_engine
    from listen.engines.piper.catalogue import (
        describe,
        find,
        install,
        is_installed,
        model_cards,
        read_catalogue,
    )

    address = settings.service.voice_catalogue
    catalogue = read_catalogue(address)
    chosen = [find(catalogue, name) for name in names]  # every name checked before any download
    cards = model_cards(address, chosen, None)
    for voice in chosen:
        if is_installed(voice):
            print(f"{voice.key} is installed already, as the catalogue has it.", file=sys.stderr)
            continue
        licence = describe(voice, cards[voice.key])["licence"] or "not stated (read its MODEL_CARD)"
        print(
            f"{voice.key}: {voice.language_name}, {voice.accent}, {voice.quality} quality, "
            f"{voice.size_bytes / 1e6:.1f} MB; its dataset's licence: {licence}",
            file=sys.stderr,
        )
        folder = install(address, voice, _download_progress())
        family = voice.language.split("_")[0]
        reads = get_engine("piper").default_voice(family) == voice.key
        print(
            f"Installed {voice.key} in {folder}; "
            + (
                f"it now reads {voice.language_name} articles that ask for no voice."
                if reads
                else f"choose it with --voice {voice.key}, or LISTEN_VOICES={family}={voice.key}."
            ),
            file=sys.stderr,
        )
    return ExitStatus.OK


def _download_progress() -> Callable[[str, int, int], None]:
    """Show a download's progress on a terminal, every tenth of the file; nothing when stderr is a file."""
    shown: dict[str, int] = {}

    def show(name: str, done: int, total: int) -> None:
        tenth = done * 10 // max(total, 1)
        if not sys.stderr.isatty() or shown.get(name) == tenth:
            return
        shown[name] = tenth
        end = "\n" if done >= total else ""
        print(f"\r  {name}: {done / 1e6:.1f} of {total / 1e6:.1f} MB", end=end, file=sys.stderr, flush=True)

    return show


def _remove(names: list[str]) -> int:
    from listen.engines.piper.catalogue import remove

    for name in names:
        folder = remove(name)
        print(f"Removed {name} from {folder}", file=sys.stderr)
    return ExitStatus.OK


def cmd_cache(args: argparse.Namespace, settings: Settings) -> int:
    from listen.cache.store import Cache

    root = settings.service.cache_dir
    # Looking at or pruning a cache must never create one: a mistyped path is an error, not an empty cache.
    if not (root / "chunks").is_dir():
        raise NotFoundError(
            f"There is no cache at {root.absolute()}; give the folder with --cache-dir (or LISTEN_CACHE_DIR)."
        )
    if args.cache_command == "stats":
        cache = Cache(root)
        stats = cache.stats()
        print(
            f"{stats['root']}: {stats['chunks']} chunks, {stats['pieces']} pieces, {stats['renditions']} renditions, "
            f"{stats['bytes'] / 1e6:.1f} MB"
        )
        return ExitStatus.OK
    limit = parse_size(args.max_size, unit_required=True)
    cache = Cache(root)
    removed, freed = cache.prune(limit, dry_run=args.dry_run)
    left = cache.stats()["bytes"]
    if args.dry_run:
        print(
            f"Would remove {removed} entries ({freed / 1e6:.1f} MB), leaving {(left - freed) / 1e6:.1f} MB; "
            "nothing was deleted"
        )
    else:
        print(f"Removed {removed} entries ({freed / 1e6:.1f} MB); {left / 1e6:.1f} MB left")
    return ExitStatus.OK


def cmd_lexicon(args: argparse.Namespace, settings: Settings) -> int:
    from listen.text.normalize import to_spoken_with_map
    from listen.text.script import load_lexicon

    language = settings.render.language or "en"
    spoken, _ = to_spoken_with_map(
        args.text, language, load_lexicon(settings.render), phoneme_alphabet(settings, language)
    )
    print(spoken)
    return ExitStatus.OK


def cmd_feed(args: argparse.Namespace, settings: Settings) -> int:
    from listen.publish.podcast import folder_feed

    out: Path = args.output or args.folder / "feed.xml"
    xml = folder_feed(args.folder, args.base_url, title=args.title, image=args.image)
    check_output_file(out)
    # The feed reads each episode's MP3 and timings: it must never replace one of them.
    episodes = [str(p) for mp3 in args.folder.glob("*.mp3") for p in (mp3, mp3.with_suffix(".json"))]
    if any(os.path.exists(p) and os.path.samefile(out, p) for p in episodes if out.exists()):
        raise OutputError(
            f"Writing {out} would replace an episode the feed lists; choose another path with -o."
        )
    try:
        write_atomic(out, xml)
    except OSError as exc:
        raise OutputError(f"Cannot write {out} ({exc.strerror}); choose another path with -o.") from None
    print(f"Wrote {out} ({xml.count(b'<item>')} episodes)", file=sys.stderr)
    return ExitStatus.OK
