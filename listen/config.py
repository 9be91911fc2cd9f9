"""Settings in two frozen parts; the only module that reads the environment.

The environment and overrides go in; frozen Settings come out (and the engine names and
size parsing they check against). It imports nothing from the package but listen.errors,
so every stage can read settings without pulling in another.

- RenderSettings: everything that shapes the audio. It is hashed into cache keys and
  sent with queued jobs, so a worker renders exactly what was asked for.
- ServiceSettings: where and how the service runs (cache folder, engine workers,
  host, port, Redis, limits, API keys). It never changes a byte of audio, so running
  with another --jobs or serving on another port finds the same renditions.

Every field can be set from the environment as LISTEN_<FIELD NAME IN CAPITALS> (a
field may name another variable: engine_workers is LISTEN_JOBS); CLI flags and API
fields override through `replace()`.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from functools import lru_cache
from pathlib import Path
from typing import Any

from listen.errors import SettingsError

MIN_RATE = 80
MAX_RATE = 450

# The speech engines, by name (listen/engines implements each; the order is the order they are listed in).
ENGINE_NAMES = ("piper", "pyttsx3")
# The arithmetic Piper's voices run in (LISTEN_PIPER_PRECISION); auto is resolved to one of the others.
PIPER_PRECISIONS = ("auto", "float32", "int8")
# The kinds of CPU (cpu_kind) on which the int8 voice passed every quality gate
# (bench/quality_gates.py; the figures are in docs/benchmarks.md): auto means int8 there
# and float32 everywhere else. Measured on "avx2" (no VNNI): it failed, so none.
INT8_PASSED_GATES_ON: frozenset[str] = frozenset()


def _default_engine_workers() -> int:
    return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class RenderSettings:
    """What shapes the audio: hashed into keys, sent in queue jobs."""

    # None: the neural engine (Piper) where it has a voice for the article's language,
    # pyttsx3 (espeak-ng) elsewhere; or one engine by name for every article.
    engine: str | None = None
    # Voice: None picks the engine's default voice for the article's language.
    voice: str | None = None
    # The operator's voice per language, "en=en_GB-alba-medium,de=de_DE-thorsten-high": it reads
    # the articles of that language that ask for no voice (LISTEN_VOICES).
    voices: str | None = None
    rate: int = 170  # words per minute
    language: str | None = None  # None: detect from the article
    # Pauses inserted between trimmed chunks, in milliseconds.
    sentence_pause_ms: int = 350
    paragraph_pause_ms: int = 750
    title_pause_ms: int = 1000
    clause_pause_ms: int = 120  # between the chunks of one long sentence
    fade_ms: int = 8
    loudness_lufs: float = -16.0
    true_peak_db: float = -1.0
    bitrate_kbps: int = 64
    # libmp3lame's -compression_level: 0 is best and ~10x slower than 7; the
    # difference is inaudible for speech at 64 kb/s.
    mp3_compression_level: int = 7
    chunk_chars: int = 300
    intro: bool = True
    lexicon: Path | None = None
    # Branding audio (any file ffmpeg reads): played before the spoken headline and after the last
    # sentence, levelled to the article's loudness. `jingle` False (per article: "jingle": false,
    # --no-jingle) leaves both out.
    jingle_in: Path | None = None
    jingle_out: Path | None = None
    jingle: bool = True
    # Piper's arithmetic: float32, or int8 (faster where the CPU has integer dot products); auto
    # is resolved when the settings are made (see resolve_precision), so the chunk keys the planner
    # makes and the voice the workers load agree.
    piper_precision: str = "auto"

    def __post_init__(self) -> None:
        object.__setattr__(self, "piper_precision", resolve_precision(self.piper_precision))
        if self.engine is not None and self.engine not in ENGINE_NAMES:
            raise SettingsError(f"Unknown engine {self.engine!r}; choose one of {', '.join(ENGINE_NAMES)}.")
        if not MIN_RATE <= self.rate <= MAX_RATE:
            raise SettingsError(
                f"Rate {self.rate} words per minute is out of range; "
                f"choose a rate from {MIN_RATE} to {MAX_RATE} (170 is a natural pace)."
            )
        if self.chunk_chars < 40:
            raise SettingsError("chunk_chars must be at least 40 characters.")
        voices_by_language(self.voices)  # a malformed LISTEN_VOICES stops start-up, not a render
        for name in ("jingle_in", "jingle_out"):
            _check_jingle(self, name)


def _check_jingle(settings: RenderSettings, name: str) -> None:
    """A jingle file must be there and readable: a missing one stops start-up, not a render."""
    value = getattr(settings, name)
    if value is None:
        return
    path = Path(value)
    object.__setattr__(settings, name, path)  # a queued job's payload names it as text
    try:
        with path.open("rb") as f:
            f.read(1)
    except OSError as exc:
        raise SettingsError(
            f"LISTEN_{name.upper()}={str(path)!r} cannot be read ({exc.strerror or exc}); "
            "give the path of an audio file this server can read (any format ffmpeg reads), or unset it."
        ) from None


def resolve_precision(value: str, cpu_flags: frozenset[str] | None = None) -> str:
    """LISTEN_PIPER_PRECISION as float32 or int8: auto is int8 only on a kind of CPU where int8 passed the gates."""
    precision = value.strip().lower()
    if precision not in PIPER_PRECISIONS:
        raise SettingsError(
            f"LISTEN_PIPER_PRECISION={value!r} is not a precision; choose one of {', '.join(PIPER_PRECISIONS)} "
            "(auto picks the fastest that keeps the voice's quality on this CPU)."
        )
    if precision != "auto":
        return precision
    kind = cpu_kind(cpu_flags if cpu_flags is not None else _cpu_flags())
    return "int8" if kind in INT8_PASSED_GATES_ON else "float32"


def cpu_kind(flags: frozenset[str]) -> str:
    """What matters to int8 arithmetic: "vnni" (integer dot products), "avx2", or "other"."""
    if flags & {"avx512_vnni", "avx_vnni", "amx_int8"}:
        return "vnni"
    return "avx2" if "avx2" in flags else "other"


@lru_cache(maxsize=1)
def _cpu_flags() -> frozenset[str]:
    """This machine's CPU feature flags (Linux's /proc/cpuinfo; none known elsewhere)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("flags"):
                    return frozenset(line.partition(":")[2].split())
    except OSError:
        pass
    return frozenset()


def voices_by_language(text: str | None) -> dict[str, str]:
    """LISTEN_VOICES ("en=en_GB-alba-medium,de=...") as {language: voice}, languages in lower case."""
    out: dict[str, str] = {}
    for entry in filter(None, (e.strip() for e in (text or "").split(","))):
        language, _, voice = entry.partition("=")
        if not language.strip() or not voice.strip():
            raise SettingsError(
                f"LISTEN_VOICES: cannot read {entry!r}; write LANGUAGE=VOICE pairs separated by commas, "
                "like en=en_GB-alba-medium,de=de_DE-thorsten-high."
            )
        out[language.strip().replace("_", "-").lower()] = voice.strip()
    return out


@dataclass(frozen=True)
class ServiceSettings:
    """Where and how the service runs: never part of a key, never sent with a job."""

    cache_dir: Path = Path("audio_cache")
    # The server prunes least recently used entries to stay under this ("2GB"); None: no limit.
    cache_max_size: str | None = None
    engine_workers: int = field(default_factory=_default_engine_workers, metadata={"env": "LISTEN_JOBS"})
    chunk_timeout_s: float = 30.0
    # How long the engine host that CLI commands share stays after its last worker ended
    # (listen/render/engine_host.py): the next `listen speak` starts speaking half a second
    # sooner. 0: each command starts and stops its own engines. Servers keep their own.
    engine_linger_s: float = 300.0
    max_input_bytes: int = 2_000_000
    # Web and fetching.
    host: str = "127.0.0.1"
    port: int = 8000
    max_body_bytes: int = 2_000_000
    allow_private_hosts: bool = False
    fetch_timeout_s: float = 10.0
    fetch_deadline_s: float = 30.0  # a whole fetch, redirects included: a drip of bytes cannot hold on
    max_fetch_bytes: int = 5_000_000
    # Scaling out and limits.
    redis_url: str | None = None  # set: renders go to `listen worker` processes through Redis
    queue_limit: int = 100  # jobs waiting in the queue before new work gets 503
    api_keys: str | None = None  # comma-separated; set: POSTs need one
    rate_limit: str = "60/minute"  # new articles per secret API key, or else per client address
    # Listening reports (beacons) per client and article; a client's for all articles: six times as many.
    beacon_limit: str = "20/minute"
    # Comma-separated addresses or CIDRs of our own proxies: their X-Forwarded-For / Forwarded names the client.
    trusted_proxies: str | None = None
    # The site's URL as clients see it (behind a proxy); set, absolute URLs come from it, never from Host.
    public_url: str | None = None
    # Comma-separated Host values served ("name" for any port, "name:port" for one); default: where
    # `serve` listens, plus localhost, 127.0.0.1 and [::1]. A request with any other Host gets 400.
    allowed_hosts: str | None = None
    # Publishing.
    embed_origins: str | None = None  # comma-separated origins whose pages may create articles; unset: any
    # OpenAI's voice names for POST /v1/audio/speech ("alloy=en_US-joe-medium,echo=en-gb"); a name
    # left out reads with the language's default voice, or an installed one of the name's gender.
    openai_voices: str | None = None
    feed_title: str = "listen"  # the podcast feed's title (GET /feed.xml)
    feed_image: str | None = None  # the address of the feed's square cover image
    webhook_url: str | None = None  # POSTed to when an article is ready or failed
    webhook_secret: str | None = None  # signs each webhook body (X-Listen-Signature: sha256=HMAC)
    webhook_retry_s: str = "10,30,90,180,300"  # waits before each retry: six tries over about ten minutes
    stats: bool = True  # count plays and how far people listen (LISTEN_STATS=off: not at all)
    # Reading (fetching, extracting) and planning posted articles, in processes apart from the request threads.
    intake_workers: int = 2
    intake_limit: int = (
        16  # posts being read or planned at once (running and waiting) before new ones get 503
    )
    intake_timeout_s: float = 120.0  # one post's reading and planning; past it the process is killed
    intake_wait_ms: int = (
        20  # a POST answers at once if its article is planned by then, else 202 with a request id
    )
    # Engines on this machine.
    # The folder of installed Piper voices (NAME.onnx + NAME.onnx.json, or a folder NAME/ of them,
    # as `listen voices install` writes); None: voices/ in the data folder.
    piper_voices: Path | None = None
    # Where `listen voices available|install` finds the catalogue: the folder of piper-voices'
    # voices.json (or voices.json itself), on the web or on disk; a site can mirror it.
    voice_catalogue: str = "https://huggingface.co/rhasspy/piper-voices/resolve/main"
    piper_threads: int = 1  # onnxruntime threads per engine worker (one worker per core is faster)
    data_dir: Path | None = (
        None  # files listen derives once (patched voice models); None: the XDG data folder
    )

    def __post_init__(self) -> None:
        if self.piper_threads < 1:
            raise SettingsError(
                "piper_threads must be at least 1; LISTEN_PIPER_THREADS=1 suits one worker per core."
            )
        if self.engine_workers < 1:
            raise SettingsError("jobs must be at least 1; use --jobs 1 for a single worker.")
        if self.engine_linger_s < 0:
            raise SettingsError(
                "LISTEN_ENGINE_LINGER_S must be 0 or more seconds; 0 keeps no engines running between commands."
            )
        if self.intake_workers < 1 or self.intake_limit < 1:
            raise SettingsError("intake_workers and intake_limit must be at least 1.")
        if self.queue_limit < 1:
            raise SettingsError("queue_limit must be at least 1; LISTEN_QUEUE_LIMIT=100 is a good start.")
        if self.cache_max_size is not None:
            try:
                self.cache_max_bytes  # noqa: B018 - parsed now, so a bad value stops start-up, not a prune
            except SettingsError as exc:
                raise SettingsError(f"LISTEN_CACHE_MAX_SIZE: {exc.message}") from None

    @property
    def cache_max_bytes(self) -> int | None:
        """LISTEN_CACHE_MAX_SIZE in bytes, or None for no limit."""
        if self.cache_max_size is None:
            return None
        return parse_size(self.cache_max_size, unit_required=True)


_RENDER_FIELDS = frozenset(f.name for f in fields(RenderSettings))
_SERVICE_FIELDS = frozenset(f.name for f in fields(ServiceSettings))


@dataclass(frozen=True)
class Settings:
    """Both parts: what to render (`render`) and how to run (`service`)."""

    render: RenderSettings = field(default_factory=RenderSettings)
    service: ServiceSettings = field(default_factory=ServiceSettings)

    @classmethod
    def of(cls, **values: Any) -> Settings:
        """Defaults with the given fields set, each in its part (no environment)."""
        return cls().replace(**values)

    def replace(self, **changes: Any) -> Settings:
        """Return a copy with the given fields changed, each in its part; None values are ignored."""
        changes = {k: v for k, v in changes.items() if v is not None}
        unknown = set(changes) - _RENDER_FIELDS - _SERVICE_FIELDS
        if unknown:
            raise TypeError(f"unknown settings: {', '.join(sorted(unknown))}")
        render = {k: v for k, v in changes.items() if k in _RENDER_FIELDS}
        service = {k: v for k, v in changes.items() if k in _SERVICE_FIELDS}
        return Settings(
            dataclasses.replace(self.render, **render) if render else self.render,
            dataclasses.replace(self.service, **service) if service else self.service,
        )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Build settings from LISTEN_* variables (and PORT), then apply non-None overrides."""
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for part in (RenderSettings, ServiceSettings):
            for f in fields(part):
                name = _env_name(f)
                raw = environ.get(name)
                if raw is not None and raw != "":
                    values[f.name] = _parse(name, str(f.type), raw)
        # PORT is the convention of hosting platforms (and `make run`); it wins over LISTEN_PORT.
        port = environ.get("PORT", "")
        if port.isdigit():
            values["port"] = int(port)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls.of(**values)


def service_from_env() -> ServiceSettings:
    """The service settings from the environment alone: what an engine in a worker process reads."""
    return Settings.from_env().service


def data_dir(service: ServiceSettings) -> Path:
    """Where listen keeps files it derives once: LISTEN_DATA_DIR, else $XDG_DATA_HOME/listen (~/.local/share)."""
    if service.data_dir is not None:
        return service.data_dir
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(base) / "listen"


def voices_dir(service: ServiceSettings) -> Path:
    """The folder of installed Piper voices: LISTEN_PIPER_VOICES, else voices/ in the data folder."""
    return service.piper_voices if service.piper_voices is not None else data_dir(service) / "voices"


def environment_variables() -> list[str]:
    """Every LISTEN_* variable a setting is read from (docs/configuration.md documents each)."""
    return [_env_name(f) for part in (RenderSettings, ServiceSettings) for f in fields(part)]


def engine_stand_ins(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """Return the test suite's stand-in engine classes by name, from LISTEN_TEST_ENGINES="name=module:Class,...".

    Not a setting (users never set it): the tests' quick fake engines reach every process they start through it.
    """
    raw = (os.environ if environ is None else environ).get("LISTEN_TEST_ENGINES", "")
    pairs = (entry.partition("=") for entry in raw.split(","))
    return {
        name.strip(): path.strip() for name, _, path in pairs if name.strip() in ENGINE_NAMES and path.strip()
    }


def debug_enabled(environ: Mapping[str, str] | None = None) -> bool:
    """LISTEN_DEBUG=1: show a full traceback for an internal error."""
    environ = os.environ if environ is None else environ
    return bool(environ.get("LISTEN_DEBUG"))


def one_blas_thread() -> None:
    """Have numpy's OpenBLAS start one thread when this process imports it, unless the operator chose.

    For the engine workers' fork server (listen/render/engine_server.py): a value that is
    not one of ours, and only set in the process that needs it, never read as a setting.
    """
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def parse_size(text: str, unit_required: bool = False) -> int:
    """Parse '500MB', '2G', '1024B' into bytes; a bare number is refused when unit_required."""
    units = {
        "": 1,
        "B": 1,
        "K": 10**3,
        "KB": 10**3,
        "M": 10**6,
        "MB": 10**6,
        "G": 10**9,
        "GB": 10**9,
        "T": 10**12,
        "TB": 10**12,
        "KIB": 2**10,
        "MIB": 2**20,
        "GIB": 2**30,
        "TIB": 2**40,
    }
    s = text.strip().upper().replace(" ", "")
    number = s.rstrip("KMGTIB")
    unit = s[len(number) :]
    try:
        value = float(number)
    except ValueError:
        value = -1
    if value < 0 or unit not in units:
        raise SettingsError(f"Cannot read size {text!r}; write it like 500MB or 2GB.")
    if unit_required and not unit:
        # "500" has deleted a whole cache when read as 500 bytes: the unit must be said.
        raise SettingsError(f"Give {text!r} a unit, such as {number}MB or {number}GB (1024B for bytes).")
    return int(value * units[unit])


def _env_name(f: dataclasses.Field[Any]) -> str:
    return f.metadata.get("env") or f"LISTEN_{f.name.upper()}"


def _parse(name: str, type_name: str, raw: str) -> Any:
    """Turn an environment string into the field's type, with a helpful error."""
    try:
        if "bool" in type_name:
            if raw.lower() in ("1", "true", "yes", "on"):
                return True
            if raw.lower() in ("0", "false", "no", "off"):
                return False
            raise ValueError(raw)
        if "Path" in type_name:
            return Path(raw)
        if type_name.startswith("int"):
            return int(raw)
        if type_name.startswith("float"):
            return float(raw)
        return raw
    except ValueError:
        raise SettingsError(f"{name}={raw!r} is not a valid {type_name}; fix or unset it.") from None
