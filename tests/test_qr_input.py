"""Bad input: each problem is one clear line and exit code 3, and the rest of the batch still runs."""

from __future__ import annotations

import io
import json
import os
import struct
import zlib
from pathlib import Path

import pytest
from conftest import run_cli

from kzscam.exitcodes import ExitCode
from kzscam.qr.loader import MB, ImageError, Limits, Source, iter_sources, load
from qrsynth import make_code


def good_png(tmp_path: Path, name: str = "good.png", payload: str = "https://example.kz") -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    make_code(payload).save(path)
    return path


def bomb_png(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims `width` x `height` pixels (a decompression bomb)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b""))


def problem(source: Source, limits: Limits | None = None) -> str:
    with pytest.raises(ImageError) as exc:
        load(source, limits)
    return str(exc.value)


def test_empty_truncated_corrupt_and_non_images(tmp_path: Path) -> None:
    png = io.BytesIO()
    make_code("x").save(png, format="PNG")
    data = png.getvalue()
    cases = {
        "empty.png": b"",
        "truncated.png": data[: len(data) // 2],
        "corrupt.png": data[:40] + bytes(200) + data[240:],
        "notes.txt": "просто текст, не картинка".encode(),
    }
    messages = {}
    for name, content in cases.items():
        (tmp_path / name).write_bytes(content)
        messages[name] = problem(Source(name, path=tmp_path / name))
    assert messages["empty.png"] == "empty file"
    assert messages["truncated.png"].startswith("corrupt or truncated image")
    assert messages["corrupt.png"].startswith(("corrupt or truncated image", "not an image"))
    assert messages["notes.txt"] == "not an image (unrecognised or unsupported format)"
    assert all("\n" not in m for m in messages.values())


def test_decompression_bomb_and_configurable_limit(tmp_path: Path) -> None:
    bomb = Source("bomb.png", data=bomb_png(60000, 60000))
    assert problem(bomb).startswith("image dimensions too large: 60000x60000")
    small = Source("small.png", path=good_png(tmp_path))
    assert "(limit 0.001;" in problem(small, Limits(max_pixels=1000))
    assert load(small, Limits(max_pixels=10_000_000)).size[0] > 0


def test_huge_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    big = tmp_path / "huge.jpg"
    with big.open("wb") as fh:
        fh.truncate(100 * MB)  # sparse: costs no disk and no time
    assert problem(Source("huge.jpg", path=big)) == (
        "file too large: 100.0 MB (limit 64 MB; raise it with --max-file-mb)")


def test_unreadable_and_missing_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert problem(Source("nope.png", path=tmp_path / "nope.png")) == "no such file"
    locked = good_png(tmp_path, "locked.png")
    if os.geteuid() != 0:
        locked.chmod(0)
        assert problem(Source("locked.png", path=locked)) == "permission denied"
    else:  # root reads everything: simulate what a normal user gets
        def deny(*args: object, **kwargs: object) -> None:
            raise PermissionError(13, "Permission denied")

        monkeypatch.setattr(Path, "open", deny)
        assert problem(Source("locked.png", path=locked)) == "permission denied"


def test_directories_are_walked_for_images_only(tmp_path: Path) -> None:
    good_png(tmp_path / "a" / "b", "deep.png")
    (tmp_path / "a" / "readme.txt").write_text("x")
    (tmp_path / "empty").mkdir()
    sources = list(iter_sources([str(tmp_path / "a"), str(tmp_path / "empty")]))
    assert [Path(s.name).name for s in sources] == ["deep.png", "empty"]
    assert sources[1].error == "no images found in this directory"


def test_cli_batch_reports_each_problem_and_exits_3(tmp_path: Path) -> None:
    good = good_png(tmp_path)
    (tmp_path / "empty.png").write_bytes(b"")
    (tmp_path / "bomb.png").write_bytes(bomb_png(50000, 50000))
    (tmp_path / "nothing").mkdir()
    args = [str(tmp_path / "empty.png"), str(good), str(tmp_path / "bomb.png"),
            str(tmp_path / "nothing"), str(tmp_path / "missing.png")]
    proc = run_cli("scan-qr", "-f", "jsonl", *args)
    assert proc.returncode == ExitCode.INPUT_ERROR
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["input"] for r in rows] == args
    assert [r["error"] is None for r in rows] == [False, True, False, False, False]
    assert rows[1]["codes"][0]["payload"] == "https://example.kz"
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 4 and all(line.startswith("kzscam: ") for line in lines)
    assert "Traceback" not in proc.stderr


def test_cli_limits_are_options(tmp_path: Path) -> None:
    good = good_png(tmp_path)
    proc = run_cli("scan-qr", "--max-megapixels", "0.01", "-f", "json", str(good))
    assert proc.returncode == ExitCode.INPUT_ERROR
    assert "image dimensions too large" in json.loads(proc.stdout)["results"][0]["error"]
    with good.open("ab") as fh:
        fh.write(bytes(4096))  # trailing bytes after IEND: still a valid PNG, now over 1 KB
    proc = run_cli("scan-qr", "--max-file-mb", "0.001", str(good))
    assert proc.returncode == ExitCode.INPUT_ERROR and "file too large" in proc.stderr


def test_stdin_bytes_and_empty_stdin(tmp_path: Path) -> None:
    data = good_png(tmp_path).read_bytes()
    proc = run_cli("scan-qr", "-", "-f", "jsonl", input=data)
    row = json.loads(proc.stdout)
    assert row["input"] == "-" and row["codes"][0]["payload"] == "https://example.kz"
    empty = run_cli("scan-qr", "-f", "jsonl")
    assert empty.returncode == ExitCode.INPUT_ERROR and "-: empty file" in empty.stderr
