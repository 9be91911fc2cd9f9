"""What an operator runs into: batch names, cache commands, cache size, errors from the machine, the API's load."""

from __future__ import annotations

import hashlib
import io
import json
import os
import pty
import random
import re
import select
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import SHORT_ARTICLE, article_text, run_cli, running_app, tmpfs
from mutagen.id3 import ID3

from listen.audio.flac import decode_chunk
from listen.audio.mp3 import write_id3
from listen.cache.store import Cache
from listen.cli.naming import output_names
from listen.config import parse_size
from listen.errors import SettingsError
from listen.reading.plaintext import from_text
from support.pages import PageServer


def run_listen(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess:
    """Run the real `listen` command with extra environment variables."""
    return subprocess.run(
        [sys.executable, "-m", "listen", *args],
        capture_output=True,
        cwd=cwd,
        timeout=300,
        env={**os.environ, **(env or {})},
    )


def story(title: str, sentence: str) -> str:
    return (
        f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
        f"<p>{sentence} It is a short story for the test.</p></article></body></html>"
    )


# -- batch output names (#14 item 7) ------------------------------------------------------------------


@pytest.mark.slow
def test_batch_outputs_are_named_from_their_source_whatever_the_order_of_the_feed(tmp_path):
    with PageServer() as pages:
        pages.add("/2026/harbour/index.html", story("Harbour reopens", "The harbour opened again on Monday."))
        pages.add("/2026/bridge/index.html", story("Bridge closes", "The old bridge closed for repairs."))
        pages.add("/2026/school/index.html", story("School wins", "The school won the regional final."))
        harbour, bridge, school = (
            pages.url(f"/2026/{n}/index.html") for n in ("harbour", "bridge", "school")
        )
        out, cache = tmp_path / "out", tmp_path / "cache"
        env = {"LISTEN_ALLOW_PRIVATE_HOSTS": "1"}
        first = run_listen("batch", harbour, bridge, "-o", str(out), "--cache-dir", str(cache), env=env)
        assert first.returncode == 0, first.stderr
        assert sorted(p.name for p in out.glob("*.mp3")) == ["bridge.mp3", "harbour.mp3"]
        written = {p.name: p.stat().st_mtime_ns for p in out.glob("*.mp3")}
        # The feed gains a new first item: nothing already written changes name or is rewritten.
        second = run_listen(
            "batch", school, bridge, harbour, "-o", str(out), "--cache-dir", str(cache), env=env
        )
        assert second.returncode == 0, second.stderr
        assert "1 rendered, 2 already up to date, 0 failed of 3" in second.stderr.decode()
        assert {p.name: p.stat().st_mtime_ns for p in out.glob("*.mp3") if p.name in written} == written
        assert json.loads((out / "harbour.json").read_text())["title"] == "Harbour reopens"
        assert json.loads((out / "school.json").read_text())["title"] == "School wins"


def test_colliding_names_each_get_a_hash_of_their_address_and_no_order_takes_the_plain_name():
    sources = [
        "https://a.example/2026/harbour/index.html",
        "https://b.example/harbour/",
        "feeds/harbour.txt",
        "https://a.example/sport/match-report/",
        "https://c.example/news/index.html",
    ]
    names = output_names(sources)
    for _ in range(10):
        assert output_names(random.sample(sources, len(sources))) == names
    for source in sources[:3]:
        assert names[source] == f"harbour-{hashlib.sha256(source.encode()).hexdigest()[:8]}"
    assert names["https://a.example/sport/match-report/"] == "match-report"
    assert names["https://c.example/news/index.html"] == "c-example"
    assert len(set(names.values())) == len(sources)


@pytest.mark.parametrize(
    ("source", "name"),
    [
        ("https://news.example/2026/05/bolivia-dea-cooperation/index.html", "bolivia-dea-cooperation"),
        ("https://www.example.com/", "example-com"),
        ("https://example.org/story/123456", "story-123456"),
        ("https://example.org/article.php?id=42", "article-id-42"),
        ("https://example.org/world/europe/amp", "europe"),
        ("articles/My Report (final).txt", "my-report-final"),
        ("/srv/archive/2024/Harbour.HTML", "harbour"),
        ("-", "stdin"),
    ],
)
def test_an_output_name_is_a_slug_of_the_most_telling_part_of_the_source(source, name):
    assert output_names([source]) == {source: name}


def test_a_long_name_is_cut_between_words_at_80_characters():
    title = "the-harbour-authority-says-the-new-breakwater-will-protect-the-old-town-from-winter-storms-for-decades"
    name = output_names([f"https://news.example/2026/{title}/"])[f"https://news.example/2026/{title}/"]
    assert name == "the-harbour-authority-says-the-new-breakwater-will-protect-the-old-town-from"
    assert len(name) <= 80
    assert title.startswith(name + "-")


@pytest.mark.slow
def test_batch_gives_an_article_from_another_source_its_own_name_instead_of_replacing_one(tmp_path):
    with PageServer() as pages:
        pages.add("/2026/harbour/index.html", story("Harbour reopens", "The harbour opened again on Monday."))
        url = pages.url("/2026/harbour/index.html")
        out, cache = tmp_path / "out", tmp_path / "cache"
        env = {"LISTEN_ALLOW_PRIVATE_HOSTS": "1"}
        assert run_listen("batch", url, "-o", str(out), "--cache-dir", str(cache), env=env).returncode == 0
        from_url = (out / "harbour.mp3").read_bytes(), (out / "harbour.json").read_text()
        local = tmp_path / "harbour.txt"
        local.write_text("Harbour reopens\n\nThe harbour opened again on Monday, say the local papers.\n")
        again = run_listen("batch", str(local), "-o", str(out), "--cache-dir", str(cache), env=env)
        assert again.returncode == 0, again.stderr
        own = f"harbour-{hashlib.sha256(str(local).encode()).hexdigest()[:8]}"
        assert sorted(p.name for p in out.glob("*.mp3")) == sorted(["harbour.mp3", f"{own}.mp3"])
        assert ((out / "harbour.mp3").read_bytes(), (out / "harbour.json").read_text()) == from_url
        assert json.loads((out / f"{own}.json").read_text())["source"] == str(local)
        # Run again: each source finds its own output, up to date.
        third = run_listen("batch", url, str(local), "-o", str(out), "--cache-dir", str(cache), env=env)
        assert "0 rendered, 2 already up to date" in third.stderr.decode(), third.stderr
        alone = run_listen("batch", str(local), "-o", str(out), "--cache-dir", str(cache))
        assert "0 rendered, 1 already up to date" in alone.stderr.decode(), alone.stderr


# -- script and batch go on past a failing input (#12 part 4, #14 item 12) ----------------------------


def test_script_json_prints_one_line_per_input_in_order_with_an_error_for_a_failed_one(tmp_path):
    good, other = tmp_path / "good.txt", tmp_path / "other.txt"
    good.write_text(SHORT_ARTICLE)
    other.write_text("Another Headline\n\nA different body sentence is here.\n")
    empty = tmp_path / "empty.txt"
    empty.write_text("   \n")
    missing = tmp_path / "missing.txt"
    result = run_cli("script", str(good), str(missing), str(empty), str(other), "--json")
    assert result.returncode != 0
    records = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert [r["source"] for r in records] == [str(good), str(missing), str(empty), str(other)]
    assert records[0]["title"] == "A Short Test Headline"
    assert records[3]["title"] == "Another Headline"
    for failed in (records[1], records[2]):
        assert set(failed) == {"source", "error"}
        assert failed["error"]["code"] == "bad_input"
        assert failed["error"]["message"]
    assert "missing.txt" in records[1]["error"]["message"] or "not" in records[1]["error"]["message"]


def test_script_plain_goes_on_past_a_failing_input_and_exits_non_zero(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text(SHORT_ARTICLE)
    result = run_cli("script", str(tmp_path / "missing.txt"), str(good))
    assert result.returncode == 1
    assert result.stdout.decode().splitlines()[-1] == "It ends here."
    assert re.search(r"missing\.txt: .+", result.stderr.decode())


@pytest.mark.slow
def test_script_says_which_language_it_detected_and_whose_reading_is_used(tmp_path):
    spanish = tmp_path / "es.txt"
    spanish.write_text(
        "El puerto reabre\n\nEl puerto de la ciudad abrió de nuevo el lunes después de las obras. "
        "Los barcos de pesca volvieron por la mañana y los vecinos lo celebraron en la plaza.\n"
    )
    result = run_cli("script", str(spanish), "--json")
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["language"] == "es"
    assert record["normalised"] is True
    assert re.search(
        r"es\.txt: language es \(detected\); the engine reads its numbers and dates; our normaliser says only "
        r"what it misreads",
        result.stderr.decode(),
    )
    given = run_cli("script", str(spanish), "--language", "es")
    assert "language es (as given)" in given.stderr.decode()


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("ru", "Порт снова открыт\n\nВ 2019 году порт закрыли на ремонт. В понедельник он снова открылся.\n"),
        (
            "id",
            "Pelabuhan dibuka kembali\n\nPelabuhan yang ditutup untuk perbaikan itu dibuka lagi pada hari Senin, "
            "dan para nelayan sudah kembali bekerja dengan kapal mereka.\n",
        ),
    ],
)
@pytest.mark.slow
def test_script_says_the_engine_reads_a_language_we_have_no_normaliser_for(tmp_path, language, text):
    article = tmp_path / f"{language}.txt"
    article.write_text(text, "utf-8")
    result = run_cli("script", str(article), "--json")
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["language"] == language
    assert record["normalised"] is False
    assert (
        f"language {language} (detected); no normaliser for {language}: the engine's own {language} reading"
        in result.stderr.decode()
    )


@pytest.mark.slow
def test_batch_without_a_terminal_reports_each_failure_once_and_counts_that_add_up(tmp_path):
    good, empty = tmp_path / "good.txt", tmp_path / "empty.txt"
    good.write_text(SHORT_ARTICLE)
    empty.write_text("  ")
    missing = tmp_path / "missing.txt"
    result = run_cli(
        "batch",
        str(empty),
        str(good),
        str(missing),
        "-o",
        str(tmp_path / "out"),
        "--cache-dir",
        str(tmp_path / "cache"),
    )
    err = result.stderr.decode()
    assert result.returncode == 1
    reports = [line for line in err.splitlines() if not line.startswith("[")]  # not the progress lines
    assert sum(str(empty) in line for line in reports) == 1
    assert sum(str(missing) in line for line in reports) == 1
    assert "1 rendered, 0 already up to date, 2 failed of 3" in err


@pytest.mark.slow
def test_batch_on_a_terminal_shows_the_sentences_done_inside_an_article(tmp_path):
    article = tmp_path / "long.txt"
    article.write_text(article_text(sentences=30))
    master, slave = pty.openpty()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "listen",
            "batch",
            str(article),
            "-o",
            str(tmp_path / "out"),
            "--cache-dir",
            str(tmp_path / "cache"),
        ],
        stderr=slave,
        stdout=subprocess.DEVNULL,
    )
    os.close(slave)
    seen = b""
    while True:
        ready, _, _ = select.select([master], [], [], 60)
        if not ready:
            break
        try:
            data = os.read(master, 4096)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        seen += data
    assert process.wait(timeout=60) == 0
    os.close(master)
    inside = [int(n) for n in re.findall(rb"\((\d+)/31 sentences\)", seen)]
    assert inside
    assert inside[-1] == 31
    assert len(set(inside)) > 1  # it moved while the article rendered


# -- the cache commands (#14 item 8) ------------------------------------------------------------------


@pytest.mark.slow
def test_cache_commands_use_the_cache_dir_given_before_the_action_and_create_nothing(tmp_path, warm_cache):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    stats = run_cli("cache", "--cache-dir", str(warm_cache), "stats", cwd=elsewhere)
    assert stats.returncode == 0, stats.stderr
    assert stats.stdout.decode().startswith(str(warm_cache))
    assert "1 renditions" in stats.stdout.decode()
    pruned = run_cli("cache", "--cache-dir", str(warm_cache), "prune", "--max-size", "1B", cwd=elsewhere)
    assert pruned.returncode == 0, pruned.stderr
    assert not list(warm_cache.rglob("*.mp3"))
    assert list(elsewhere.iterdir()) == []  # no ./audio_cache made on the way


def test_cache_commands_on_a_folder_that_is_no_cache_say_so_and_create_nothing(tmp_path):
    result = run_cli("cache", "stats", "--cache-dir", str(tmp_path / "typo"))
    assert result.returncode == 2
    assert "There is no cache at" in result.stderr.decode()
    assert not (tmp_path / "typo").exists()


@pytest.mark.slow
def test_prune_without_a_unit_is_refused_and_deletes_nothing(tmp_path, warm_cache):
    before = sorted(p for p in warm_cache.rglob("*") if p.is_file())
    result = run_cli("cache", "prune", "--max-size", "500", "--cache-dir", str(warm_cache))
    assert result.returncode == 2
    assert "500MB" in result.stderr.decode()
    assert sorted(p for p in warm_cache.rglob("*") if p.is_file()) == before


@pytest.mark.slow
def test_prune_dry_run_counts_what_would_go_and_deletes_nothing(tmp_path, warm_cache):
    before = sorted(p for p in warm_cache.rglob("*") if p.is_file())
    result = run_cli("cache", "prune", "--max-size", "1KB", "--dry-run", "--cache-dir", str(warm_cache))
    assert result.returncode == 0, result.stderr
    assert re.match(r"Would remove [1-9]\d* entries", result.stdout.decode())
    assert sorted(p for p in warm_cache.rglob("*") if p.is_file()) == before


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("500MB", 500_000_000),
        ("2GB", 2_000_000_000),
        ("1024B", 1024),
        ("1.5 GiB", int(1.5 * 2**30)),
        ("10kb", 10_000),
    ],
)
def test_sizes_with_a_unit_are_read(text, size):
    assert parse_size(text, unit_required=True) == size


@pytest.mark.parametrize("text", ["500", "0", "lots", "-1MB", "5XB"])
def test_sizes_without_a_unit_or_unreadable_are_refused(text):
    with pytest.raises(SettingsError):
        parse_size(text, unit_required=True)


# -- chunk audio as FLAC, and the server's own pruning (#14 item 9) -----------------------------------


def test_chunks_are_stored_as_flac_in_about_two_thirds_of_the_bytes_of_their_samples(renderer):
    renderer.render(from_text(SHORT_ARTICLE))
    chunks = sorted(Path(renderer.cache.root, "chunks").rglob("*.*"))
    assert chunks
    assert all(p.suffix == ".flac" and p.read_bytes()[:4] == b"fLaC" for p in chunks)
    pcm_bytes = 0
    for path in chunks:
        samples, rate, _ = decode_chunk(path.read_bytes())
        assert rate == 22050
        assert samples.dtype.itemsize == 2
        pcm_bytes += samples.size * 2
    assert sum(p.stat().st_size for p in chunks) < 0.72 * pcm_bytes  # a WAV is a little over 1.0


def test_a_flac_chunk_whose_samples_no_longer_match_their_sha256_is_rendered_again(renderer):
    import numpy as np
    import soundfile

    first = renderer.render(from_text(SHORT_ARTICLE))
    victim = sorted(Path(renderer.cache.root, "chunks").rglob("*.flac"))[0]
    with soundfile.SoundFile(io.BytesIO(victim.read_bytes())) as f:
        comment, samples = f.comment, f.read(dtype="int16")
    changed = samples.copy()
    changed[len(changed) // 2] ^= 0x0100  # one sample off: a valid FLAC file with the old digest
    buffer = io.BytesIO()
    with soundfile.SoundFile(buffer, "w", 22050, 1, "PCM_16", format="FLAC") as f:
        f.comment = comment
        f.write(np.asarray(changed))
    victim.write_bytes(buffer.getvalue())
    assert decode_chunk(victim.read_bytes()) is None
    for stored in [
        *Path(renderer.cache.root, "renditions").rglob("*"),
        *Path(renderer.cache.root, "pieces").rglob("*"),
    ]:
        if stored.is_file():
            stored.unlink()
    again = renderer.render(from_text(SHORT_ARTICLE))
    assert again.chunks_rendered == 1
    assert again.mp3.read_bytes() == first.mp3.read_bytes()


def _age(root: Path, seconds: float) -> None:
    """Make every entry look last used `seconds` ago."""
    then = time.time() - seconds
    for p in root.rglob("*"):
        if p.is_file():
            os.utime(p, (then, then))


def entry_files(cache: Path) -> set[Path]:
    return {
        p for kind in ("chunks", "pieces", "renditions") for p in (cache / kind).rglob("*") if p.is_file()
    }


def test_the_server_keeps_the_cache_under_its_limit_least_recently_used_first(tmp_path):
    cache_dir = tmp_path / "cache"
    with running_app(cache_dir) as app:
        manager = app.extensions["listen"]
        old = manager.submit(from_text(article_text(4)))
        assert old.wait(120)
        assert old.status == "ready"
        _age(cache_dir, 3600)
        old_files = entry_files(cache_dir)
        new = manager.submit(from_text(article_text(4)))
        assert new.wait(120)
        assert new.status == "ready"
        new_files = entry_files(cache_dir) - old_files
        cache = Cache(cache_dir)
        used = cache.stats()["bytes"]
        old_bytes = sum(p.stat().st_size for p in old_files)
        limit = used - old_bytes // 2
        manager.trimmer.settings = manager.settings.replace(cache_max_size=f"{limit}B").service
        removed, _ = manager.trimmer.trim()
        assert removed > 0
        assert cache.stats()["bytes"] <= limit
        assert all(p.exists() for p in new_files)  # the recently used article stays whole
        assert not all(p.exists() for p in old_files)
        records = {p.stem for p in (cache_dir / "articles").rglob("*.json")}
        renditions = {p.stem for p in (cache_dir / "renditions").rglob("*.json")}
        assert records == renditions  # an evicted rendition's article record went with it


def test_pruning_never_deletes_what_a_render_or_a_stream_is_using(tmp_path):
    cache_dir = tmp_path / "cache"
    with running_app(cache_dir) as app:
        manager = app.extensions["listen"]
        job = manager.submit(from_text(article_text(3)))
        assert job.wait(120)
        assert job.status == "ready"
        manager.trimmer.settings = manager.settings.replace(cache_max_size="1B").service
        _age(cache_dir, 3600)
        stream = manager.stream(job)
        first = next(stream)  # a listener is part way through the audio
        assert first
        manager.trimmer.trim()
        assert job.rendition.mp3.exists()
        assert job.rendition.timings_path.exists()
        assert not list(cache_dir.rglob("*.flac"))  # everything else went: the limit is one byte
        rest = b"".join(stream)
        assert first + rest == job.rendition.mp3.read_bytes()
        # A render pins its pieces and chunks the same way.
        other = manager.submit(from_text(article_text(2)))
        assert other.wait(120)
        assert other.status == "ready"
        _age(cache_dir, 3600)
        keys = [p.stem for p in cache_dir.rglob("*") if p.suffix in (".flac", ".piece")]
        with Cache(cache_dir).using(keys):
            manager.trimmer.trim()
            assert sorted(p.stem for p in cache_dir.rglob("*") if p.suffix in (".flac", ".piece")) == sorted(
                keys
            )
        manager.trimmer.trim()
        assert not job.rendition.mp3.exists()
        assert not list(cache_dir.rglob("*.flac"))  # once unused, they go
        assert not list((cache_dir / "articles").rglob("*.json"))  # and the records of their articles


@pytest.mark.slow
def test_the_server_prunes_by_itself_after_a_render(tmp_path):
    cache_dir = tmp_path / "cache"
    with running_app(cache_dir, cache_max_size="1KB") as app:
        manager = app.extensions["listen"]
        manager.trimmer.idle_s = 0  # no queue workers elsewhere here: only pins protect entries
        manager.trimmer.gap_s = 0.1
        job = manager.submit(from_text(article_text(3)))
        assert job.wait(120)
        assert job.status == "ready"
        end = time.monotonic() + 20
        while time.monotonic() < end and Cache(cache_dir).stats()["bytes"] > 1000:
            time.sleep(0.2)
        assert Cache(cache_dir).stats()["bytes"] <= 1000


def test_a_cache_limit_without_a_unit_stops_start_up_with_a_clear_error():
    from listen.config import Settings

    with pytest.raises(SettingsError, match="LISTEN_CACHE_MAX_SIZE"):
        Settings.from_env({"LISTEN_CACHE_MAX_SIZE": "500"})


# -- errors from the machine (#14 item 10) ------------------------------------------------------------


@pytest.mark.slow
def test_serve_on_a_port_in_use_says_so_and_how_to_choose_another(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        started = time.monotonic()
        result = run_cli("serve", "--port", str(port), "--cache-dir", str(tmp_path / "cache"))
        took = time.monotonic() - started
    err = result.stderr.decode().strip()
    assert result.returncode == 71
    assert len(err.splitlines()) == 1
    assert f"Port {port} on 127.0.0.1 is in use" in err
    assert "--port" in err
    assert "internal error" not in err
    assert took < 20  # said before any engine boots


@pytest.fixture
def small_mount(tmp_path):
    """A tmpfs we can fill or make read-only (needs root, as the full-disk tests)."""
    with tmpfs(tmp_path / "mnt", "4m") as mount:
        yield mount


@pytest.mark.slow
def test_a_read_only_cache_is_a_one_line_cause_and_next_step_not_an_internal_error(tmp_path, small_mount):
    article = tmp_path / "a.txt"
    article.write_text(SHORT_ARTICLE)
    cache = small_mount / "cache"
    assert (
        run_cli("speak", str(article), "-o", str(tmp_path / "a.mp3"), "--cache-dir", str(cache)).returncode
        == 0
    )
    subprocess.run(["mount", "-o", "remount,ro", str(small_mount)], check=True)
    article.write_text(SHORT_ARTICLE + "\nA new paragraph needs new audio.\n")
    for args in (
        ["speak", str(article), "-o", str(tmp_path / "b.mp3")],
        ["cache", "prune", "--max-size", "1KB"],
    ):
        result = run_cli(*args, "--cache-dir", str(cache))
        err = result.stderr.decode().strip()
        assert result.returncode == 5, err
        assert len(err.splitlines()) == 1
        assert "internal error" not in err
        assert "Read-only file system" in err
        assert "--cache-dir" in err


def test_an_os_error_that_reaches_the_command_line_is_one_line_with_a_next_step(
    tmp_path, monkeypatch, capsys
):
    import errno

    from listen.cli import main as cli
    from listen.cli import operate

    def fails(*_args: object) -> int:
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "x"))

    monkeypatch.setattr(operate, "cmd_voices", fails)
    assert cli.main(["voices"]) == 71
    err = capsys.readouterr().err.strip()
    assert err.startswith("listen: error: The disk is full")
    assert "listen cache prune" in err
    assert len(err.splitlines()) == 1


# -- the API under load (#14 item 11) -------------------------------------------------------------------


@pytest.mark.slow
def test_invalid_or_empty_posts_do_not_use_up_the_rate_limit_and_a_202_has_no_retry_after(tmp_path):
    with running_app(tmp_path / "cache", rate_limit="5/minute") as app:
        client = app.test_client()
        for body in (
            {},
            {"text": ""},
            {"text": "   "},
            {"url": "ftp://example.com/x"},
            {"text": 5},
            {"voice": "x"},
        ) * 2:
            assert 400 <= client.post("/api/v1/articles", json=body).status_code < 500
        made = client.post("/api/v1/articles", json={"text": article_text(2)})
        assert made.status_code == 202, made.get_json()
        assert "Retry-After" not in made.headers
        for _ in range(4):
            client.post("/api/v1/articles", json={"text": article_text(1)})
        refused = client.post("/api/v1/articles", json={"text": article_text(1)})
        assert refused.status_code == 429
        assert "Retry-After" in refused.headers


@pytest.mark.slow
def test_polling_with_since_returns_only_the_sentences_from_there_on(client):
    made = client.post("/api/v1/articles", json={"text": article_text(8)}).get_json()
    end = time.monotonic() + 120
    while client.get(f"/api/v1/articles/{made['id']}").get_json()["status"] == "rendering":
        assert time.monotonic() < end
        time.sleep(0.2)
    everything = client.get(f"/api/v1/articles/{made['id']}").get_json()["sentences"]
    tail = client.get(f"/api/v1/articles/{made['id']}?since=5").get_json()
    assert tail["since"] == 5
    assert tail["sentences"] == everything[5:]
    assert client.get(f"/api/v1/articles/{made['id']}?since={len(everything)}").get_json()["sentences"] == []
    assert client.get(f"/api/v1/articles/{made['id']}?since=-1").status_code == 400


@pytest.mark.parametrize(
    "since", ["²", "٣", "9" * 5000, "1e3"], ids=["superscript", "arabic-indic", "5000-digits", "float"]
)
@pytest.mark.slow
def test_a_since_that_is_not_a_small_whole_number_is_a_400_not_a_500(client, since):
    made = client.post("/api/v1/articles", json={"text": article_text(1)}).get_json()
    response = client.get(f"/api/v1/articles/{made['id']}", query_string={"since": since})
    assert response.status_code == 400, response.data[:200]
    assert "whole number" in response.get_json()["error"]["message"]


@pytest.mark.slow
def test_the_embed_page_of_a_long_article_does_not_inline_its_timings(client):
    # Long enough that its timings outweigh the whole page; the embed never inlines any.
    sentences = 30
    made = client.post("/api/v1/articles", json={"text": article_text(sentences)}).get_json()
    end = time.monotonic() + 240
    while client.get(f"/api/v1/articles/{made['id']}").get_json()["status"] == "rendering":
        assert time.monotonic() < end
        time.sleep(0.3)
    timings = client.get(f"/api/v1/articles/{made['id']}/timings.json").get_data()
    page = client.get(f"/embed/{made['id']}").get_data(as_text=True)
    assert "Sentence 20 of article" not in page
    assert "start_ms" not in page
    assert len(page) < 5000 < len(timings)


# -- ID3 chapters (#14 item 12) -------------------------------------------------------------------------


def test_id3_chapter_frames_are_stored_in_time_order(tmp_path):
    mp3 = tmp_path / "a.mp3"
    mp3.write_bytes(b"\xff\xf3\x84\xc4" + bytes(200))
    titles = [
        "A long first paragraph title",
        "Short",
        "Medium title",
        "x",
        "Another long paragraph title here",
        "Mid",
        "Tiny",
        "A title of middling size",
    ] * 3
    chapters = [(n * 1000, (n + 1) * 1000, t) for n, t in enumerate(titles)]
    write_id3(mp3, {"title": "T"}, chapters)
    raw = mp3.read_bytes()
    starts = []
    for match in re.finditer(rb"CHAP.{6}ch\d+\x00", raw, re.S):
        at = match.end()
        starts.append(int.from_bytes(raw[at : at + 4], "big"))
    assert starts == [c[0] for c in chapters]
    tag = ID3(mp3)
    assert [c.start_time for c in tag.getall("CHAP")] == sorted(c.start_time for c in tag.getall("CHAP"))
    assert str(tag["TIT2"]) == "T"
    assert mp3.read_bytes()[-204:] == b"\xff\xf3\x84\xc4" + bytes(200)


# -- the player polls for what is new, in a real Chromium (#14 item 11) -----------------------------------


@pytest.mark.browser
@pytest.mark.slow
def test_the_player_polls_only_for_new_sentences_and_ends_with_every_one(tmp_path):
    playwright_api = pytest.importorskip("playwright.sync_api")
    waitress = pytest.importorskip("waitress")
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    import threading

    sentences = 60
    with running_app(tmp_path / "cache", engine_workers=1) as app:
        server = waitress.create_server(app, host="127.0.0.1", port=0, threads=8)
        threading.Thread(target=server.run, daemon=True).start()
        base = f"http://127.0.0.1:{server.effective_port}"
        try:
            made = (
                app.test_client().post("/api/v1/articles", json={"text": article_text(sentences)}).get_json()
            )
            with playwright_api.sync_playwright() as p:
                browser = p.chromium.launch(
                    executable_path="/usr/bin/chromium", headless=True, args=["--no-sandbox", "--disable-gpu"]
                )
                page = browser.new_page()
                polls: list[tuple[str, int]] = []

                def record(response):  # a Playwright Response
                    if response.url.split("?")[0].endswith(f"/api/v1/articles/{made['id']}"):
                        polls.append((response.url, len(response.json()["sentences"])))

                page.on("response", record)
                page.goto(f"{base}/a/{made['id']}")
                page.wait_for_function(
                    "() => document.querySelector('[data-listen-player]').dataset.status === 'ready'",
                    timeout=120_000,
                )
                total = sentences + 1  # and the headline
                page.wait_for_function(
                    f"() => document.querySelectorAll('.lp-s:not(.lp-pending)').length === {total}"
                )
                browser.close()
        finally:
            server.close()
    assert polls, "the player never polled: the article was ready before the page loaded"
    assert all(re.search(r"\?since=\d+$", url) for url, _ in polls)
    # Each poll carried the sentences since the one before (and that one again), not all so far.
    assert sum(n for _, n in polls) < total + 2 * len(polls)


def test_a_flac_chunk_keeps_word_timings_under_the_same_sha256():
    import numpy as np

    from listen.audio.flac import encode_chunk

    samples = (np.sin(np.arange(22050) / 7) * 9000).astype("<i2")
    words = [[0, 5, 0, 9000], [6, 11, 9800, 21000]]
    raw = encode_chunk(samples, 22050, words)
    back, rate, got = decode_chunk(raw)
    assert rate == 22050
    assert got == words
    assert np.array_equal(back, samples)
    assert decode_chunk(encode_chunk(samples, 22050))[2] is None
    forged = raw.replace(b"[6,11,9800,21000]", b"[6,11,9900,21000]")
    assert len(forged) == len(raw)
    assert forged != raw
    assert decode_chunk(forged) is None  # the words are under the digest too
