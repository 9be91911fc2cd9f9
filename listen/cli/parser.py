"""The command line's grammar: argv in, an argparse Namespace out, and the Settings it asks for.

Every flag and sub-command is declared here, and nothing else: the commands themselves
live in speak, batch and operate. Building the parser loads no pipeline stage, so
`listen --version` and `listen --help` answer at once.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from listen import __version__
from listen.config import ENGINE_NAMES, Settings

EXAMPLES = """examples:
  listen speak article.txt -o article.mp3
  curl -s https://example.com/story | listen speak - -o story.mp3 --voice en-gb --rate 190
  listen script article.txt --json
  listen speak article.txt -o article.mp3 --engine pyttsx3
  listen batch articles/*.txt -o out/ --jobs 2
  listen voices available --language de
  listen voices install de_DE-thorsten-medium
  listen cache prune --max-size 500MB
"""


def build_parser() -> argparse.ArgumentParser:
    """Declare every command and flag of `listen`."""
    parser = argparse.ArgumentParser(
        prog="listen",
        description="Read articles aloud: text, HTML or URL in; MP3, timings and captions out.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"listen {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    common = argparse.ArgumentParser(add_help=False)
    # SUPPRESS: a sub-command repeats this option, and its default must not overwrite a
    # --cache-dir given before it (`listen cache --cache-dir X stats` means X).
    common.add_argument(
        "--cache-dir",
        type=Path,
        default=argparse.SUPPRESS,
        help="cache folder (default audio_cache/ or $LISTEN_CACHE_DIR)",
    )

    voice = argparse.ArgumentParser(add_help=False)
    voice.add_argument(
        "--engine",
        choices=list(ENGINE_NAMES),
        help="speech engine (default: piper where it has a voice for the language, else pyttsx3)",
    )
    voice.add_argument(
        "--voice", help="voice id, name or language tag (see `listen voices`), or a Piper PATH.onnx"
    )
    voice.add_argument("--rate", type=int, help="speed in words per minute (80-450, default 170)")
    voice.add_argument("--language", help="article language, e.g. en, es (default: detect)")
    voice.add_argument("--lexicon", type=Path, help="pronunciation rules file (YAML or JSON)")
    voice.add_argument(
        "--no-intro", action="store_true", help="read the headline only, not 'By ...' and site/date"
    )
    voice.add_argument(
        "--no-jingle",
        action="store_true",
        help="leave out the jingles LISTEN_JINGLE_IN / LISTEN_JINGLE_OUT set (see docs: branding audio)",
    )
    voice.add_argument("--jobs", type=int, help="engine worker processes (default: one per core)")

    p = sub.add_parser(
        "speak",
        parents=[common, voice],
        help="render one article to OUT.mp3 (+ .json timings, .vtt captions)",
    )
    p.add_argument("input", help="a text or HTML file, a URL, or - for standard input")
    p.add_argument("-o", "--output", type=Path, required=True, help="the MP3 to write")

    p = sub.add_parser(
        "script", parents=[common, voice], help="print what the engine will be given, without rendering"
    )
    p.add_argument("inputs", nargs="+", metavar="INPUT")
    p.add_argument("--json", action="store_true", help="one JSON object per input per line")

    p = sub.add_parser("batch", parents=[common, voice], help="render many articles into a folder")
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="files, URLs, files of URLs, sitemaps or feeds")
    p.add_argument("-o", "--output", type=Path, required=True, help="folder for the MP3s")
    p.add_argument(
        "--queue", action="store_true", help="let `listen worker` processes render (needs LISTEN_REDIS_URL)"
    )
    p.add_argument("--no-wait", action="store_true", help="with --queue: enqueue, print a summary and return")
    p.add_argument(
        "--refresh",
        action="store_true",
        help="ask each URL's server whether the page changed (ETag, Last-Modified); re-render only changed ones",
    )

    p = sub.add_parser("feed", help="write a podcast feed (RSS) for a folder written by `listen batch`")
    p.add_argument("folder", type=Path, metavar="DIR", help="the folder of MP3s, timings and captions")
    p.add_argument("-o", "--output", type=Path, help="the feed to write (default DIR/feed.xml)")
    p.add_argument(
        "--base-url", required=True, help="the address DIR is served at, e.g. https://example.com/audio/"
    )
    p.add_argument("--title", help="the podcast's title (default: the folder's name)")
    p.add_argument("--image", help="the address of the podcast's square cover image")

    p = sub.add_parser("serve", parents=[common], help="serve the web player and API")
    p.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, help="port (default 8000, or $PORT)")

    p = sub.add_parser("worker", parents=[common], help="render queued articles (needs LISTEN_REDIS_URL)")
    p.add_argument("--jobs", type=int, help="engine worker processes (default: one per core)")
    p.add_argument("--burst", action="store_true", help="stop when the queue is empty")
    p.add_argument("--name", help="worker name shown in RQ (default: host and process id)")

    p = sub.add_parser("voices", parents=[common], help="list, find, install and remove voices")
    p.add_argument("--language", help="only voices for this language, e.g. en")
    voices_sub = p.add_subparsers(dest="voices_command", metavar="ACTION")
    voices_sub.add_parser("list", help="the voices here (the default)").add_argument(
        "--language", help="only voices for this language, e.g. en"
    )
    available = voices_sub.add_parser(
        "available", help="the Piper voices of the catalogue (LISTEN_VOICE_CATALOGUE)"
    )
    available.add_argument("--language", help="only voices for this language, e.g. de or de_DE")
    install = voices_sub.add_parser("install", help="download Piper voices from the catalogue, checked")
    install.add_argument("names", nargs="+", metavar="NAME", help="a voice's name, e.g. en_GB-alba-medium")
    remove = voices_sub.add_parser("remove", help="remove installed Piper voices")
    remove.add_argument("names", nargs="+", metavar="NAME")

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
    test.add_argument(
        "--engine",
        choices=list(ENGINE_NAMES),
        help="the engine whose phoneme input to show (default: as for speak)",
    )
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
        jingle=False if getattr(args, "no_jingle", False) else None,
        host=getattr(args, "host", None),
        port=getattr(args, "port", None),
    )
