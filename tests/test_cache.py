"""The per-user engine cache: used when valid, ignored when broken, never changes results."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import run_cli

MESSAGE = "Здравствуйте, это служба безопасности банка. Назовите код из SMS: http://kaspi-bonus.top"


def _run(cache: Path, **env: str) -> dict[str, object]:
    proc = run_cli("check-text", "-f", "json", MESSAGE, env={"XDG_CACHE_HOME": str(cache), **env})
    assert proc.returncode == 1, proc.stderr
    result: dict[str, object] = json.loads(proc.stdout)["results"][0]
    return result


def test_cache_is_written_reused_and_survives_corruption(tmp_path: Path) -> None:
    first = _run(tmp_path)
    files = list((tmp_path / "kzscam").glob("engine-*.pickle"))
    assert len(files) == 1
    assert _run(tmp_path) == first  # loaded from the cache: same findings, same offsets
    files[0].write_bytes(b"not a pickle")
    assert _run(tmp_path) == first  # broken cache: rebuilt from the rule files
    assert _run(tmp_path / "off", KZSCAM_NO_CACHE="1") == first
    assert not (tmp_path / "off").exists()


def test_unwritable_cache_dir_is_not_an_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    proc = run_cli("check-text", "ok", env={"XDG_CACHE_HOME": str(blocker)})
    assert proc.returncode == 0 and proc.stderr == ""
