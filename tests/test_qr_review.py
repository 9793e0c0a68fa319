"""scan-qr on awkward inputs: long animations, non-finite limits, FIFOs, unsearchable folders,
invalid UTF-8 payloads and --annotate targets that are neither an image name nor a directory."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from conftest import run_cli
from PIL import Image

from kzscam.exitcodes import ExitCode
from kzscam.qr.loader import ImageError, Limits, Source, frame_indices, iter_sources, load
from qrsynth import make_code


def _animation(path: Path, frames: int, code_at: int | None) -> Path:
    code = make_code("https://kaspi-bonus.kz/login").convert("L")
    pictures = [Image.new("L", code.size, 255) for _ in range(frames)]
    for i, picture in enumerate(pictures):
        picture.putpixel((i % code.size[0], 0), 0)  # every frame differs
    if code_at is not None:
        pictures[code_at] = code
    pictures[0].save(path, save_all=True, append_images=pictures[1:])
    return path


def test_frame_sampling_spans_the_whole_animation() -> None:
    assert frame_indices(10, 32) == list(range(10))
    picked = frame_indices(41, 32)
    assert len(picked) == 32 and picked[0] == 0 and picked[-1] == 40
    assert frame_indices(1000, 32)[-1] == 999 and frame_indices(5, 1) == [0]


def test_code_in_a_late_frame_is_found_and_its_frame_number_reported(tmp_path: Path) -> None:
    gif = _animation(tmp_path / "late.gif", 41, code_at=40)
    proc = run_cli("scan-qr", "-f", "json", str(gif))
    (row,) = json.loads(proc.stdout)["results"]
    assert row["verdict"] == "suspicious" and row["frames_total"] == 41
    assert row["codes"][0]["frame"] == 40


def test_sampled_animation_without_a_code_is_not_called_safe(tmp_path: Path) -> None:
    gif = _animation(tmp_path / "none.gif", 60, code_at=None)
    image = load(Source("none.gif", path=gif), Limits())
    assert len(image.frames) == 32 and image.total_frames == 60
    proc = run_cli("scan-qr", "-f", "json", str(gif))
    (row,) = json.loads(proc.stdout)["results"]
    assert row["verdict"] == "caution"
    assert {f["rule_id"] for f in row["findings"]} == {"QR-NONE-001", "QR-NONE-002"}
    assert "32 of 60" in row["frames_note"]
    short = run_cli("scan-qr", "-f", "json", str(_animation(tmp_path / "s.gif", 5, None)))
    assert json.loads(short.stdout)["results"][0]["verdict"] == "safe"


@pytest.mark.parametrize("option", ["--max-megapixels", "--max-file-mb", "--budget"])
@pytest.mark.parametrize("value", ["nan", "inf"])
def test_non_finite_limits_are_usage_errors(tmp_path: Path, option: str, value: str) -> None:
    proc = run_cli("scan-qr", option, value, "--payload", "x")
    assert proc.returncode == ExitCode.USAGE
    assert "Traceback" not in proc.stderr and proc.stderr.strip()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_fifos_are_reported_in_folders_and_refused_by_name(tmp_path: Path) -> None:
    pics = tmp_path / "pics"
    pics.mkdir()
    os.mkfifo(pics / "a.png")
    make_code("https://example.kz").save(pics / "b.png")
    walk = run_cli("scan-qr", "-f", "json", str(pics))  # would block forever on the FIFO
    rows = json.loads(walk.stdout)["results"]
    assert [(r["input"], r["error"] is None) for r in rows] == [
        (str(pics / "a.png"), False), (str(pics / "b.png"), True)]
    assert walk.returncode == ExitCode.INPUT_ERROR and "not a regular file" in walk.stderr
    named = run_cli("scan-qr", str(pics / "a.png"), str(pics / "b.png"))
    assert named.returncode == ExitCode.INPUT_ERROR
    assert "not a regular file" in named.stderr and "[SAFE]" in named.stdout


def test_invalid_utf8_payload_is_checked_with_replacement_characters() -> None:
    proc = run_cli("scan-qr", "-f", "json", "--payload", "http://a\udcff.kz")
    assert "Traceback" not in proc.stderr
    (row,) = json.loads(proc.stdout)["results"]
    assert row["payload"] == "http://a\ufffd.kz"


def test_annotate_targets(tmp_path: Path) -> None:
    img = tmp_path / "a.png"
    make_code("https://example.kz").save(img)
    for bad, why in ((tmp_path / "out.txt", "neither"), (tmp_path / "no" / "x.png", "does not")):
        proc = run_cli("scan-qr", "--annotate", str(bad), str(img))
        assert proc.returncode == ExitCode.USAGE and why in proc.stderr
        assert (not bad.exists() and not bad.parent.exists()) or bad.parent == tmp_path
    assert not (tmp_path / "out.txt").exists()
    existing = tmp_path / "folder"
    existing.mkdir()
    assert run_cli("scan-qr", "--annotate", str(existing), str(img)).returncode == ExitCode.OK
    assert [p.name for p in existing.iterdir()] == ["a.annotated.png"]
    assert run_cli("scan-qr", "--annotate", str(tmp_path / "o.jpg"), str(img)).returncode == 0
    assert (tmp_path / "o.jpg").is_file()


def test_unsearchable_parent_is_an_input_error_not_a_traceback(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "closed" / "x.png"
    real_is_dir, real_stat = Path.is_dir, Path.stat

    def denied(self: Path, *args: object, **kwargs: object) -> object:
        if self == target:
            raise PermissionError(13, "Permission denied", str(self))
        return (real_stat if denied.which == "stat" else real_is_dir)(self, *args, **kwargs)

    denied.which = ""  # type: ignore[attr-defined]
    monkeypatch.setattr(Path, "is_dir", denied)
    (source,) = iter_sources([str(target)])
    denied.which = "stat"  # type: ignore[attr-defined]
    monkeypatch.setattr(Path, "stat", denied)
    with pytest.raises(ImageError, match="permission denied"):
        load(source, Limits())


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0 or not Path(
    "/usr/bin/setpriv").exists(), reason="needs root and setpriv to run as another user")
def test_unsearchable_folder_as_another_user_is_a_one_line_error() -> None:
    base = Path(tempfile.mkdtemp(prefix="kzscam-perm-"))
    try:
        base.chmod(0o755)
        closed = base / "closed"
        closed.mkdir()
        make_code("https://example.kz").save(closed / "x.png")
        closed.chmod(0o700)
        proc = subprocess.run(
            ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable,
             "-m", "kzscam", "scan-qr", str(closed / "x.png")],
            capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"}, check=False,
            cwd=Path(__file__).parents[1])
    finally:
        shutil.rmtree(base, ignore_errors=True)
    assert proc.returncode == ExitCode.INPUT_ERROR, proc.stderr
    assert proc.stderr.strip().count("\n") == 0 and "permission denied" in proc.stderr
