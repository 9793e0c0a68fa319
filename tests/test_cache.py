"""The per-user engine cache: data only, trusted only when it is ours, never changes results."""

from __future__ import annotations

import json
import marshal
import os
import pickle
import random
import stat
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli

from kzscam import engine_cache
from kzscam.config import Config
from kzscam.engine import Engine
from kzscam.pipeline.text import check_text
from kzscam.rules.loader import load_catalog, packaged_digest

MESSAGE = "Здравствуйте, это служба безопасности банка. Назовите код из SMS: http://kaspi-bonus.top"
PLANTED = "PLANTED-TITLE"
NOBODY = 65534


def _run(cache: Path, **env: str) -> dict[str, Any]:
    proc = run_cli("check-text", "-f", "json", "--lang", "en", MESSAGE,
                   env={"XDG_CACHE_HOME": str(cache), **env})
    assert proc.returncode == 1, proc.stderr
    result: dict[str, Any] = json.loads(proc.stdout)["results"][0]
    return result


@pytest.fixture(scope="module")
def image() -> dict[str, Any]:
    return Engine(load_catalog(), Config()).to_image()


def _planted_blob(image: dict[str, Any]) -> bytes:
    """A well-formed cache whose titles differ: proof of whether a run read the file."""
    doctored = dict(image)
    n = len(image["rules"])
    doctored["texts"] = {lang: marshal.dumps(("\x00".join([PLANTED] * n), marshal.loads(blob)[1]), 4)
                         for lang, blob in image["texts"].items()}
    return engine_cache.encode(engine_cache.cache_key(packaged_digest()), doctored)


def _cache_file(root: Path) -> Path:
    key = engine_cache.cache_key(packaged_digest())
    return root / "kzscam" / f"engine-{key}.cache"


def _titles(result: dict[str, Any]) -> set[str]:
    return {f["title"] for f in result["findings"]}


def _plant(root: Path, blob: bytes, mode: int = 0o600) -> Path:
    path = _cache_file(root)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.write_bytes(blob)
    path.chmod(mode)
    return path


def test_cache_is_written_reused_and_survives_corruption(tmp_path: Path) -> None:
    first = _run(tmp_path)
    files = list((tmp_path / "kzscam").glob("engine-*.cache"))
    assert len(files) == 1
    mode = files[0].stat().st_mode
    assert stat.S_IMODE(mode) == 0o600 and stat.S_IMODE((tmp_path / "kzscam").stat().st_mode) == 0o700
    assert _run(tmp_path) == first  # loaded from the cache: same findings, same offsets
    files[0].write_bytes(b"not a cache")
    assert _run(tmp_path) == first  # broken cache: rebuilt from the rule files
    assert _run(tmp_path / "off", KZSCAM_NO_CACHE="1") == first
    assert not (tmp_path / "off").exists()


def test_a_cache_of_ours_is_read(tmp_path: Path, image: dict[str, Any]) -> None:
    """The control for the trust tests below: the doctored file is read when it qualifies."""
    _plant(tmp_path, _planted_blob(image))
    assert _titles(_run(tmp_path)) == {PLANTED}


def test_a_pickle_in_the_cache_never_runs(tmp_path: Path) -> None:
    marker = tmp_path / "ran"

    class Payload:
        def __reduce__(self) -> tuple[Any, ...]:
            return (os.system, (f"touch {marker}",))

    expected = _run(tmp_path / "clean")
    path = _plant(tmp_path, pickle.dumps(Payload()))
    assert _run(tmp_path) == expected
    assert not marker.exists()
    path.with_name(path.name.replace(".cache", ".pickle")).write_bytes(pickle.dumps(Payload()))
    assert _run(tmp_path) == expected and not marker.exists()


@pytest.mark.parametrize("mode", [0o620, 0o602, 0o666])
def test_a_cache_others_can_write_is_ignored(tmp_path: Path, image: dict[str, Any],
                                             mode: int) -> None:
    _plant(tmp_path, _planted_blob(image), mode)
    assert PLANTED not in _titles(_run(tmp_path))


def test_a_folder_others_can_write_is_ignored(tmp_path: Path, image: dict[str, Any]) -> None:
    path = _plant(tmp_path, _planted_blob(image))
    path.parent.chmod(0o777)
    assert PLANTED not in _titles(_run(tmp_path))


@pytest.mark.skipif(os.geteuid() != 0, reason="changing a file's owner needs root")
def test_a_cache_owned_by_another_user_is_ignored(tmp_path: Path, image: dict[str, Any]) -> None:
    path = _plant(tmp_path, _planted_blob(image))
    os.chown(path, NOBODY, NOBODY)
    assert PLANTED not in _titles(_run(tmp_path))


@pytest.mark.skipif(os.geteuid() != 0, reason="running with another user's home needs root")
def test_root_with_another_users_home_neither_reads_nor_writes(tmp_path: Path,
                                                               image: dict[str, Any]) -> None:
    """`sudo -E kzscam audit-host` keeps HOME: that user's files must not steer root."""
    home = tmp_path / "home"
    home.mkdir()
    os.chown(home, NOBODY, NOBODY)
    path = _plant(home / ".cache", _planted_blob(image))
    for p in (path, path.parent, path.parent.parent):
        os.chown(p, NOBODY, NOBODY)
    proc = run_cli("check-text", "-f", "json", MESSAGE, env={"HOME": str(home),
                                                               "XDG_CACHE_HOME": ""})
    assert PLANTED not in proc.stdout and proc.returncode == 1
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]  # nothing written
    empty = tmp_path / "empty"
    empty.mkdir()
    os.chown(empty, NOBODY, NOBODY)
    run_cli("check-text", "ok", env={"HOME": str(empty), "XDG_CACHE_HOME": ""})
    assert list(empty.iterdir()) == []  # no root-owned .cache created in a user's home


def test_links_are_never_followed(tmp_path: Path, image: dict[str, Any]) -> None:
    victim = tmp_path / "victim"
    victim.write_bytes(b"precious")
    victim.chmod(0o600)
    elsewhere = tmp_path / "elsewhere.cache"
    elsewhere.write_bytes(_planted_blob(image))
    elsewhere.chmod(0o600)
    link = _cache_file(tmp_path / "c")
    link.parent.mkdir(mode=0o700, parents=True)
    link.symlink_to(elsewhere)
    assert PLANTED not in _titles(_run(tmp_path / "c"))  # O_NOFOLLOW: the link is not read
    assert not link.is_symlink() and link.is_file()  # replaced by a real cache, not written through
    assert victim.read_bytes() == b"precious" and elsewhere.read_bytes() == _planted_blob(image)
    # A link planted where the next temporary file might go is never written through either.
    link.unlink()
    for pid in range(os.getpid(), os.getpid() + 3):
        (link.parent / f".engine-x.{pid}.tmp").symlink_to(victim)
    _run(tmp_path / "c")
    assert victim.read_bytes() == b"precious"


def test_a_fifo_in_place_of_the_cache_does_not_hang(tmp_path: Path) -> None:
    expected = _run(tmp_path / "clean")
    path = _cache_file(tmp_path)
    path.parent.mkdir(mode=0o700, parents=True)
    os.mkfifo(path, 0o600)
    assert _run(tmp_path) == expected  # run_cli has a timeout: a hang fails the test
    assert stat.S_ISREG(path.lstat().st_mode)  # the entry is replaced by a real cache


def test_every_flipped_bit_is_detected(image: dict[str, Any]) -> None:
    key = engine_cache.cache_key(packaged_digest())
    blob = engine_cache.encode(key, image)
    assert engine_cache.decode(key, blob) == image
    rng = random.Random(7)
    positions = [rng.randrange(len(blob) * 8) for _ in range(400)]
    for bit in positions:
        damaged = bytearray(blob)
        damaged[bit // 8] ^= 1 << (bit % 8)
        assert engine_cache.decode(key, bytes(damaged)) is None, bit
    assert engine_cache.decode(key, blob[:-1]) is None
    assert engine_cache.decode("00000000", blob) is None


def test_an_image_rebuilds_an_equal_engine(image: dict[str, Any]) -> None:
    fresh = Engine(load_catalog(), Config())
    loaded = Engine.from_image(image, Config())
    again = loaded.to_image()
    # The trie's serialised bytes depend on its build order; what it holds must be the same.
    assert sorted(loaded.table._automaton.items()) == sorted(fresh.table._automaton.items())
    def without_trie(img: dict[str, Any]) -> dict[str, Any]:
        table = {k: v for k, v in img["table"].items() if k != "_automaton"}
        return {**img, "table": table}

    assert without_trie(again) == without_trie(image)
    for text in (MESSAGE, "Сәлем! Мен Ұлттық банктен хабарласып тұрмын, SMS кодын айтыңыз",
                 "Install AnyDesk and tell me the 9-digit ID", "see you at 7"):
        assert check_text(loaded, text, name="m", lang="kk") == check_text(fresh,
            text, name="m", lang="kk")


def test_a_full_disk_gets_no_cache_and_no_leftovers(tmp_path: Path, image: dict[str, Any],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("KZSCAM_NO_CACHE", raising=False)
    key = engine_cache.cache_key(packaged_digest())

    def no_space(fd: int, data: Any) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "write", no_space)
    engine_cache.save(key, image)
    assert list((tmp_path / "kzscam").iterdir()) == []
    monkeypatch.undo()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))

    class Nearly:
        f_bavail, f_frsize = 10, 4096

    monkeypatch.setattr(os, "fstatvfs", lambda _fd: Nearly())
    engine_cache.save(key, image)
    assert list((tmp_path / "kzscam").iterdir()) == []


@pytest.mark.skipif(os.geteuid() != 0, reason="running with another user's home needs root")
def test_roots_folder_inside_another_users_cache_is_not_used(tmp_path: Path,
                                                             image: dict[str, Any]) -> None:
    """A root-owned ~user/.cache/kzscam (left by an earlier `sudo -E`) sits in a folder the user
    controls: the user could swap it for a link between root's checks and writes."""
    home = tmp_path / "home"
    (home / ".cache").mkdir(parents=True)
    os.chown(home, NOBODY, NOBODY)
    os.chown(home / ".cache", NOBODY, NOBODY)
    path = _plant(home / ".cache", _planted_blob(image))  # root-owned, 0700 folder and file
    old = path.with_name("engine-0badf00d.cache")
    old.write_bytes(b"x")
    proc = run_cli("check-text", "-f", "json", MESSAGE, env={"HOME": str(home),
                                                               "XDG_CACHE_HOME": ""})
    assert PLANTED not in proc.stdout and proc.returncode == 1
    assert sorted(p.name for p in path.parent.iterdir()) == sorted([path.name, old.name])


def test_relative_or_homeless_locations_get_no_cache(tmp_path: Path) -> None:
    proc = run_cli("check-text", "ok", env={"XDG_CACHE_HOME": "relative/cache"}, cwd=tmp_path)
    assert proc.returncode == 0 and proc.stderr == ""
    assert not (tmp_path / "relative").exists()


def test_an_unusable_image_is_rebuilt_and_replaced(tmp_path: Path, image: dict[str, Any]) -> None:
    """A well-formed file whose content this build cannot use (here nested far too deep, or rule
    texts of the wrong shape: those are then read from the rule files) never fails a run, and the
    file is removed or replaced."""
    expected = _run(tmp_path / "clean")
    deep: Any = []
    for _ in range(5000):
        deep = [deep]
    key = engine_cache.cache_key(packaged_digest())
    for doctored in ({**image, "lexicon": deep},
                     {**image, "texts": {"en": marshal.dumps([("t", "a")], 4)}}):
        try:
            blob = engine_cache.encode(key, doctored)
        except ValueError:  # marshal itself refuses to nest that deep on this Python
            continue
        path = _plant(tmp_path, blob)
        assert _run(tmp_path) == expected
        assert not path.exists() or path.read_bytes() != blob  # removed or replaced
        assert _run(tmp_path) == expected and path.read_bytes() != blob


def test_retraining_the_model_makes_a_new_key(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    model = tmp_path / "text_model.json"
    model.write_text("{}", encoding="utf-8")
    monkeypatch.setattr(engine_cache, "data_files", lambda: [model])
    before = engine_cache.cache_key("rules")
    os.utime(model, ns=(1, 1))
    assert engine_cache.cache_key("rules") != before


def test_old_caches_and_abandoned_files_are_tidied(tmp_path: Path, image: dict[str, Any],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "kzscam"
    folder.mkdir(mode=0o700)
    old = [folder / "engine-deadbeef.pickle", folder / "engine-0badf00d.cache",
           folder / "engine-0badf00e.cache", folder / ".engine-0badf00d.1.0123456789ab.tmp"]
    for age, p in enumerate(old):
        p.write_bytes(b"x")
        os.utime(p, (1 + age, 1 + age))
    recent = folder / "engine-1badf00d.cache"  # another install's: among the newest, kept
    recent.write_bytes(b"x")
    keep = [folder / "notes.txt", folder / "engine-precious.db"]  # not names kzscam writes
    for p in keep:
        p.write_text("mine", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("KZSCAM_NO_CACHE", raising=False)
    key = engine_cache.cache_key(packaged_digest())
    engine_cache.save(key, image)
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [f"engine-{key}.cache", recent.name, "engine-0badf00e.cache", *(p.name for p in keep)])
    assert engine_cache.load(key) == image


def test_unwritable_cache_dir_is_not_an_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    proc = run_cli("check-text", "ok", env={"XDG_CACHE_HOME": str(blocker)})
    assert proc.returncode == 0 and proc.stderr == ""


def test_the_key_covers_every_rule_file_found_on_disk(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """No hand-kept list: a rule file added anywhere under kzscam/rules/ changes the key."""
    from kzscam.rules import loader

    (tmp_path / "text").mkdir()
    (tmp_path / "text" / "a.toml").write_text("x = 1\n", encoding="utf-8")
    monkeypatch.setattr(loader, "RULES_DIR", tmp_path)
    before = engine_cache.cache_key(loader.packaged_digest())
    (tmp_path / "text" / "new.toml").write_text("x = 1\n", encoding="utf-8")
    assert engine_cache.cache_key(loader.packaged_digest()) != before
    assert "text/new.toml" in loader.packaged_digest()
