"""Hostile QR inputs: broken payloads, crafted images, decompression bombs hidden in frames,
odd folder entries. Each costs only itself: one error line, exit code 3, the rest still scanned."""

from __future__ import annotations

import io
import json
import os
import stat
import struct
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
from conftest import ROOT, run_cli
from PIL import Image

from kzscam.config import Config
from kzscam.exitcodes import ExitCode
from kzscam.model import Verdict
from kzscam.qr.loader import ImageError, Limits, LoadedImage, Source, iter_sources, load
from kzscam.qr.payload import parse_payload
from kzscam.qr.pipeline import ScanOptions
from qrsynth import make_code

BROKEN_EMV = "000201\u00b2202xx6304ABCD"  # '²'.isdigit() is True, int('²2') is not
BROKEN_OTP = "otpauth://[x?secret=A"  # urlsplit: "Invalid IPv6 URL"


# --- crafted files ----------------------------------------------------------------------------

def _gif_frames(count: int, size: tuple[int, int]) -> bytes:
    """A real animated GIF of `count` distinct flat frames (Pillow keeps distinct frames)."""
    frames = [Image.new("L", size, (i * 37) % 256) for i in range(count)]
    buf = io.BytesIO()
    frames[0].save(buf, format="GIF", save_all=True, append_images=frames[1:], duration=50)
    return buf.getvalue()


def _descriptors(gif: bytes) -> list[int]:
    """Offsets of the image descriptors (',') of a GIF, walking its block structure."""
    flags = gif[10]
    at = 13 + (3 << ((flags & 7) + 1) if flags & 0x80 else 0)
    found = []
    while at < len(gif) and gif[at] != 0x3B:
        if gif[at] == 0x21:  # extension: label, then sub-blocks
            at += 2
        else:
            found.append(at)
            local = gif[at + 9]
            at += 10 + (3 << ((local & 7) + 1) if local & 0x80 else 0) + 1
        while gif[at]:
            at += gif[at] + 1
        at += 1
    return found


def gif_with_huge_frame(count: int, which: int) -> bytes:
    """A small GIF whose frame `which` declares 65535x65535 pixels (4.2 GB to decode)."""
    data = bytearray(_gif_frames(count, (16, 16)))
    at = _descriptors(bytes(data))[which]
    struct.pack_into("<HH", data, at + 5, 65535, 65535)
    return bytes(data)


def gif_cut_in_descriptor() -> bytes:
    """Frame 2 ends right after its descriptor: Pillow's GIF plugin raises IndexError."""
    data = _gif_frames(2, (8, 8))
    return data[:_descriptors(data)[1] + 10]


def gif_short_control_block() -> bytes:
    """A graphic control extension one byte long: Pillow's GIF plugin raises struct.error."""
    data = _gif_frames(1, (8, 8))
    return data[:-1] + b"!\xf9\x01\x00\x00"


def _tiff_pages(*pages: Image.Image, compression: str | None = None) -> bytearray:
    buf = io.BytesIO()
    pages[0].save(buf, format="TIFF", save_all=True, append_images=list(pages[1:]),
                  compression=compression)
    return bytearray(buf.getvalue())


def _tiff_entries(data: bytearray, page: int) -> list[int]:
    """Offsets of the 12-byte IFD entries of page `page` (little-endian TIFF)."""
    assert data[:2] == b"II"
    ifd = struct.unpack_from("<I", data, 4)[0]
    for _ in range(page):
        count = struct.unpack_from("<H", data, ifd)[0]
        ifd = struct.unpack_from("<I", data, ifd + 2 + 12 * count)[0]
    count = struct.unpack_from("<H", data, ifd)[0]
    return [ifd + 2 + 12 * i for i in range(count)]


def _patch_tag(data: bytearray, page: int, tag: int, *, new_tag: int | None = None,
               new_type: int | None = None, value: int | None = None) -> bytes:
    for at in _tiff_entries(data, page):
        if struct.unpack_from("<H", data, at)[0] == tag:
            if new_tag is not None:
                struct.pack_into("<H", data, at, new_tag)
            if new_type is not None:
                struct.pack_into("<H", data, at + 2, new_type)
            if value is not None:
                struct.pack_into("<I", data, at + 8, value)
            return bytes(data)
    raise AssertionError(f"tag {tag} not on page {page}")


def tiff_second_page_without_width() -> bytes:
    """Counting the pages makes Pillow set up page 2, which raises TypeError."""
    pages = _tiff_pages(Image.new("L", (8, 8), 255), Image.new("L", (8, 8), 0))
    return _patch_tag(pages, 1, 256, new_tag=65000)


def tiff_float_strip_offsets() -> bytes:
    """StripOffsets stored as a FLOAT: decoding frame 0 raises TypeError (seek(float))."""
    return _patch_tag(_tiff_pages(Image.new("L", (8, 8), 255)), 0, 273, new_type=11)


def tiff_unknown_compression_on_page_2() -> bytes:
    """A compression number Pillow has no name for: KeyError while setting up page 2."""
    pages = _tiff_pages(Image.new("L", (8, 8), 255), Image.new("L", (8, 8), 0))
    return _patch_tag(pages, 1, 259, value=45573)


CRAFTED = {
    "no-width.tiff": (tiff_second_page_without_width, "TypeError"),
    "float-strips.tif": (tiff_float_strip_offsets, "TypeError"),
    "compression.tiff": (tiff_unknown_compression_on_page_2, "KeyError"),
    "cut.gif": (gif_cut_in_descriptor, "IndexError"),
    "short-block.gif": (gif_short_control_block, "error"),  # struct.error
}


# --- 1. broken payloads and crafted images never stop the batch ---------------------------------

def test_emv_with_unicode_digits_is_a_malformed_payment_code() -> None:
    p = parse_payload(BROKEN_EMV, BROKEN_EMV.encode())
    assert p.kind == "emv_payment"
    assert p.problem is not None and "broken EMV field" in p.problem


def test_otpauth_with_a_broken_address_is_a_malformed_otpauth_code() -> None:
    p = parse_payload(BROKEN_OTP, BROKEN_OTP.encode())
    assert p.kind == "otpauth" and p.problem is not None and "malformed otpauth" in p.problem


def test_broken_payloads_are_reported_and_the_batch_goes_on() -> None:
    proc = run_cli("scan-qr", "-f", "json", "--payload", BROKEN_EMV, "--payload", BROKEN_OTP,
                   "--payload", "tel:+77011234567")
    assert "Traceback" not in proc.stderr
    results = json.loads(proc.stdout)["results"]  # a terminated JSON document
    assert [r["input"] for r in results] == ["payload1", "payload2", "payload3"]
    assert [r["kind"] for r in results] == ["emv_payment", "otpauth", "tel"]
    assert all(r["verdict"] != "safe" for r in results[:2])
    assert all("QR-UNK-003" in {f["rule_id"] for f in r["findings"]} for r in results[:2])
    assert proc.returncode == ExitCode.OK


def test_broken_payloads_in_photos_in_a_folder(tmp_path: Path) -> None:
    for name, payload in (("a.png", BROKEN_EMV), ("b.png", BROKEN_OTP),
                          ("c.png", "https://example.kz")):
        make_code(payload).save(tmp_path / name)
    proc = run_cli("scan-qr", "-f", "jsonl", str(tmp_path))
    assert "Traceback" not in proc.stderr and proc.returncode == ExitCode.OK, proc.stderr
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [Path(r["input"]).name for r in rows] == ["a.png", "b.png", "c.png"]
    assert [r["codes"][0]["payload"] for r in rows] == [BROKEN_EMV, BROKEN_OTP,
                                                        "https://example.kz"]
    assert [r["verdict"] for r in rows[:2]] == ["caution", "caution"]


@pytest.mark.parametrize("name", sorted(CRAFTED))
def test_any_decoder_exception_is_an_image_error(name: str) -> None:
    make, exc_name = CRAFTED[name]
    with pytest.raises(ImageError) as info:
        load(Source(name, data=make()))
    message = str(info.value)
    assert f"({exc_name}: " in message and "\n" not in message


def test_crafted_images_in_a_batch_get_one_line_each(tmp_path: Path) -> None:
    for name, (make, _) in CRAFTED.items():
        (tmp_path / name).write_bytes(make())
    make_code("https://example.kz").save(tmp_path / "good.png")
    proc = run_cli("scan-qr", "-f", "json", str(tmp_path))
    assert proc.returncode == ExitCode.INPUT_ERROR and "Traceback" not in proc.stderr
    results = {Path(r["input"]).name: r for r in json.loads(proc.stdout)["results"]}
    assert results["good.png"]["codes"][0]["payload"] == "https://example.kz"
    assert sorted(n for n, r in results.items() if r["error"]) == sorted(CRAFTED)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == len(CRAFTED)
    assert all(line.startswith(f"kzscam: {tmp_path}") for line in lines)


def test_ocr_reports_a_crafted_tiff_instead_of_dying(tmp_path: Path) -> None:
    from kzscam.ocr import OcrError, _open_image

    path = tmp_path / "float-strips.tif"
    path.write_bytes(tiff_float_strip_offsets())
    with pytest.raises(OcrError, match=r"cannot decode image.*TypeError"):
        _open_image(path)


def test_an_unexpected_bug_costs_only_its_input(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """The last line of defence: an exception past the loader is one error report."""
    import kzscam.pipeline.qr
    from kzscam.commands.scan_qr import Job, scan_source

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("bug \x1b[31m in a checker")

    make_code("https://example.kz").save(tmp_path / "x.png")
    monkeypatch.setattr(kzscam.pipeline.qr, "image_report", broken)
    job = Job(Source("x.png", path=tmp_path / "x.png"), Config(), "en", Limits(),
              ScanOptions(budget_s=0), None, False)
    report = scan_source(job)
    assert report.input == "x.png" and report.verdict == Verdict.CAUTION
    assert report.error == "could not be checked: internal error (RuntimeError: bug [31m in a checker)"


# --- 2. memory: every frame's size is checked before it is decoded; decoded pixels are capped ---

def test_a_huge_skipped_gif_frame_is_refused_before_decoding(tmp_path: Path) -> None:
    data = gif_with_huge_frame(40, which=2)  # 40 frames: 32 are sampled and frame 2 is skipped
    assert len(data) < 10_000
    (tmp_path / "bomb.gif").write_bytes(data)
    assert _load_with_little_memory(tmp_path / "bomb.gif").startswith("image dimensions too large")


def _load_with_little_memory(path: Path) -> str:
    """Load in a separate process with 1.5 GB of address space (a bomb must not even try to
    allocate); the loader's error message, or "" when it loaded."""
    script = textwrap.dedent(f"""
        import resource
        resource.setrlimit(resource.RLIMIT_AS, (1536 * 2**20, 1536 * 2**20))
        from pathlib import Path
        from kzscam.qr.loader import ImageError, Source, load
        try:
            load(Source({path.name!r}, path=Path({str(path)!r})))
        except ImageError as exc:
            print(exc)
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          cwd=ROOT, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_a_huge_first_gif_frame_is_refused_while_opening(tmp_path: Path) -> None:
    """Opening a GIF fills frame 0's disposal area: 60909x60909 once took 3.7 GB there."""
    data = bytearray(_gif_frames(1, (16, 16)))
    at = _descriptors(bytes(data))[0]
    assert data[at - 8:at - 5] == b"!\xf9\x04"
    data[at - 5] = (data[at - 5] & 0b11100011) | (2 << 2)  # disposal: restore to background
    struct.pack_into("<HH", data, at + 5, 60909, 60909)
    (tmp_path / "open.gif").write_bytes(bytes(data))
    assert _load_with_little_memory(tmp_path / "open.gif").startswith("image dimensions too large")


def test_decoded_pixels_per_file_are_capped() -> None:
    data = _gif_frames(32, (900, 900))  # 0.81 megapixels a frame, 26 in all
    image = load(Source("long.gif", data=data), Limits(max_pixels=1_000_000))
    assert isinstance(image, LoadedImage)
    assert image.total_frames == 32 and len(image.frames) == 2
    assert image.frame_numbers == [0, 1]
    assert "2 of 32 frames scanned" in image.note and "2 megapixels per file" in image.note


def test_capped_animation_is_never_called_safe(tmp_path: Path) -> None:
    (tmp_path / "long.gif").write_bytes(_gif_frames(32, (900, 900)))
    proc = run_cli("scan-qr", "-f", "json", "--max-megapixels", "1", str(tmp_path / "long.gif"))
    result = json.loads(proc.stdout)["results"][0]
    assert result["error"] is None and result["frames"] == 2 and result["frames_total"] == 32
    assert "2 of 32 frames scanned" in result["frames_note"]
    assert result["verdict"] == "caution"
    assert "QR-NONE-002" in {f["rule_id"] for f in result["findings"]}


def test_a_gif_frame_beyond_the_canvas_is_checked_too() -> None:
    data = gif_with_huge_frame(3, which=1)  # frame 1 is scanned: every frame is sampled
    with pytest.raises(ImageError, match="image dimensions too large"):
        load(Source("bomb.gif", data=data))


def test_pillow_limit_is_restored_after_loading(monkeypatch: pytest.MonkeyPatch) -> None:
    """OCR in the same process relies on Pillow's own limit: loading must not switch it off."""
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 12_345_678)
    load(Source("long.gif", data=_gif_frames(3, (20, 20))), Limits(max_pixels=5_000))
    assert Image.MAX_IMAGE_PIXELS == 12_345_678


# --- 3. folder entries that cannot be scanned each get a line -----------------------------------

def _errors(sources: list[Source]) -> dict[str, str]:
    return {Path(s.name).name: s.error for s in sources if s.error is not None}


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_fifos_devices_and_link_loops_in_a_folder(tmp_path: Path) -> None:
    make_code("https://example.kz").save(tmp_path / "good.png")
    os.mkfifo(tmp_path / "pipe.png")
    (tmp_path / "loop.png").symlink_to("loop.png")
    (tmp_path / "a").symlink_to("b")
    (tmp_path / "b").symlink_to("a")
    (tmp_path / "gone.jpg").symlink_to("nowhere.jpg")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "up").symlink_to("..")
    try:
        os.mknod(tmp_path / "null.png", stat.S_IFCHR | 0o600, os.makedev(1, 3))
        device = True
    except (PermissionError, AttributeError):
        device = False
    errors = _errors(list(iter_sources([str(tmp_path)])))
    expected = {"pipe.png": "not a regular file (a FIFO), not read",
                "loop.png": "symbolic link loop", "a": "symbolic link loop",
                "b": "symbolic link loop",
                "gone.jpg": "broken symbolic link (its target does not exist)",
                "up": "symbolic link to a directory, not followed (scan its target directly)"}
    if device:
        expected["null.png"] = "not a regular file (a device), not read"
    assert errors == expected
    proc = run_cli("scan-qr", "-f", "jsonl", str(tmp_path))  # would block on the FIFO
    assert proc.returncode == ExitCode.INPUT_ERROR
    assert len(proc.stderr.strip().splitlines()) == len(expected)
    assert f"kzscam: {tmp_path / 'pipe.png'}: not a regular file (a FIFO)" in proc.stderr
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["codes"][0]["payload"] for r in rows if r["error"] is None] == [
        "https://example.kz"]


def test_an_unreadable_subfolder_gets_a_line(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    make_code("https://example.kz").save(tmp_path / "a.png")
    (tmp_path / "locked").mkdir()
    make_code("https://example.kz").save(tmp_path / "locked" / "hidden.png")
    make_code("https://example.kz").save(tmp_path / "z.png")
    real = os.scandir

    def scandir(path: str | os.PathLike[str]) -> object:  # what chmod 000 does to a normal user
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    sources = list(iter_sources([str(tmp_path)]))
    assert [(Path(s.name).name, s.error) for s in sources] == [
        ("a.png", None), ("z.png", None),
        ("locked", "cannot list directory: permission denied")]


def test_an_unreadable_folder_given_directly_says_why(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    def scandir(path: str | os.PathLike[str]) -> object:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(os, "scandir", scandir)
    sources = list(iter_sources([str(tmp_path)]))
    assert [(s.name, s.error) for s in sources] == [
        (str(tmp_path), "cannot list directory: permission denied")]


@pytest.mark.skipif(not Path("/usr/bin/setpriv").exists() or os.geteuid() != 0,
                    reason="needs root and setpriv to run as an ordinary user")
def test_chmod_000_subfolder_as_an_ordinary_user() -> None:
    """The real thing: a folder kzscam may not list, as a user without root's override."""
    import shutil
    import tempfile

    base = Path(tempfile.mkdtemp(prefix="kzscam-perm-"))  # /tmp: reachable by other users
    try:
        base.chmod(0o755)
        root = base / "photos"
        (root / "locked").mkdir(parents=True)
        root.chmod(0o755)
        make_code("https://example.kz").save(root / "a.png")
        make_code("https://example.kz").save(root / "locked" / "b.png")
        (root / "a.png").chmod(0o644)
        (root / "locked").chmod(0)
        env = {k: v for k, v in os.environ.items() if not k.startswith("KZSCAM_")}
        env.update({"NO_COLOR": "1", "KZSCAM_CONFIG": os.devnull, "KZSCAM_NO_CACHE": "1",
                    "PYTHONPATH": str(ROOT), "HOME": str(base)})
        proc = subprocess.run(
            ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable,
             "-m", "kzscam", "scan-qr", "-f", "jsonl", str(root)],
            capture_output=True, text=True, env=env, cwd=base, timeout=120, check=False)
        if "Error" in proc.stderr and "kzscam: " not in proc.stderr:
            pytest.skip(f"kzscam cannot run as nobody here: {proc.stderr.splitlines()[-1]}")
        assert proc.returncode == ExitCode.INPUT_ERROR, proc.stderr
        assert proc.stderr == (f"kzscam: {root / 'locked'}: cannot list directory: "
                               "permission denied\n")
        rows = [json.loads(line) for line in proc.stdout.splitlines()]
        assert [Path(r["input"]).name for r in rows] == ["a.png", "locked"]
    finally:
        shutil.rmtree(base)


# --- 4. check-text --image never blocks on a FIFO -----------------------------------------------

@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_ocr_refuses_a_fifo_instead_of_hanging(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    import kzscam.ocr
    from kzscam.ocr import OcrError, ocr_image

    fifo = tmp_path / "shot.png"
    os.mkfifo(fifo)
    monkeypatch.setattr(kzscam.ocr, "tesseract_status", lambda: None)  # as if installed
    outcome: list[str] = []

    def run() -> None:
        try:
            ocr_image(fifo)
        except OcrError as exc:
            outcome.append(str(exc))

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(20)
    if worker.is_alive():  # unblock the reader so the test process can end
        with open(fifo, "wb"):
            pass
        pytest.fail("reading a FIFO blocked")
    assert outcome == ["not a regular file (a FIFO), not read"]


# --- 5. --annotate output inside the scanned folder is not scanned again ------------------------

def test_annotate_folder_inside_the_input_is_skipped(tmp_path: Path) -> None:
    make_code("https://example.kz").save(tmp_path / "a.png")
    make_code("tel:+77011234567").save(tmp_path / "b.png")
    out = tmp_path / "out"
    for _ in range(2):  # the second run finds last run's copies in out/
        proc = run_cli("scan-qr", "-f", "jsonl", str(tmp_path), "--annotate", f"{out}/")
        assert proc.returncode == ExitCode.OK, proc.stderr
        names = [json.loads(line)["input"] for line in proc.stdout.splitlines()]
        assert names == [str(tmp_path / "a.png"), str(tmp_path / "b.png")]
    assert sorted(p.name for p in out.iterdir()) == ["a.annotated.png", "b.annotated.png"]


def test_skip_only_drops_that_folder(tmp_path: Path) -> None:
    for rel in ("x/1.png", "out/2.png", "outer/3.png"):
        (tmp_path / rel).parent.mkdir(exist_ok=True)
        make_code("x").save(tmp_path / rel)
    names = [Path(s.name).relative_to(tmp_path).as_posix()
             for s in iter_sources([str(tmp_path)], skip=tmp_path / "out")]
    assert names == ["outer/3.png", "x/1.png"]
