"""Extract the ZXing projects' QR photos that are *not* in ../shared/corpus/qr into a folder.

The shared corpus holds the development part of the two projects' black-box samples; the rest
(about a quarter, picked by the corpus maintainers) is kept out of it. `scripts/eval_qr_photos.py`
uses that rest as its frozen test split: nothing in kzscam was tuned on it. The images are read from
local git snapshots of github.com/zxing/zxing and github.com/zxing-cpp/zxing-cpp (Apache-2.0) and
written with their expected payloads to OUT, outside the repository:

    python scripts/qr_photos.py --zxing ZXING_GITDIR --zxing-cpp ZXING_CPP_GITDIR \
        --shared ../shared --out /tmp/kzscam-qr-photos

Layout of OUT: `<folder>/<name>.<png|jpg|webp|gif>` plus `<name>.txt` (expected payload) for
labelled images, folder names as in the shared corpus (`java-qrcode-N` for zxing's
`blackbox/qrcode-N`, `qrcode-N` and `falsepositives-N` for zxing-cpp's `test/samples`).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

IMAGE_EXT = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp"}


def _git(gitdir: Path, *args: str) -> bytes:
    return subprocess.run(["git", "--git-dir", str(gitdir), *args], check=True,
                          capture_output=True).stdout


def _files(gitdir: Path, prefix: str) -> list[str]:
    return _git(gitdir, "ls-tree", "-r", "--name-only", "HEAD", prefix).decode().splitlines()


def extract(gitdir: Path, prefix: str, rename: dict[str, str], shared: Path, out: Path) -> int:
    """Copy images (and their .txt) under `prefix` whose shared-corpus twin does not exist."""
    count = 0
    names = _files(gitdir, prefix)
    present = set(names)
    for name in names:
        rel = name[len(prefix):]
        folder, _, file = rel.partition("/")
        target_folder = rename.get(folder)
        suffix = Path(file).suffix.lower()
        if target_folder is None or suffix not in IMAGE_EXT or "/" in file:
            continue
        stem = Path(file).stem
        if any((shared / target_folder / (stem + ext)).exists() for ext in IMAGE_EXT):
            continue  # development image: already in the shared corpus
        label = f"{prefix}{folder}/{stem}.txt"
        if label not in present and not target_folder.startswith("falsepositives"):
            continue  # structured-append parts and other unlabelled images
        dest = out / target_folder
        dest.mkdir(parents=True, exist_ok=True)
        (dest / file).write_bytes(_git(gitdir, "show", f"HEAD:{name}"))
        if label in present:
            (dest / f"{stem}.txt").write_bytes(_git(gitdir, "show", f"HEAD:{label}"))
        count += 1
    return count


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--zxing", type=Path, required=True, help="git dir of github.com/zxing/zxing")
    ap.add_argument("--zxing-cpp", type=Path, required=True, help="git dir of zxing-cpp/zxing-cpp")
    ap.add_argument("--shared", type=Path, default=Path("../shared"))
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args()
    shared = a.shared / "corpus" / "qr"
    if not shared.is_dir():
        print(f"qr_photos: {shared}: not a directory", file=sys.stderr)
        return 2
    n = extract(a.zxing, "core/src/test/resources/blackbox/",
                {f"qrcode-{i}": f"java-qrcode-{i}" for i in range(1, 7)}, shared, a.out)
    n += extract(a.zxing_cpp, "test/samples/",
                 {**{f"qrcode-{i}": f"qrcode-{i}" for i in range(1, 7)},
                  "falsepositives-1": "falsepositives-1", "falsepositives-2": "falsepositives-2"},
                 shared, a.out)
    commits = {p: _git(g, "rev-parse", "HEAD").decode().strip()
               for p, g in (("zxing/zxing", a.zxing), ("zxing-cpp/zxing-cpp", a.zxing_cpp))}
    (a.out / "SOURCES.txt").write_text(
        "Images from github.com/zxing/zxing and github.com/zxing-cpp/zxing-cpp (Apache-2.0), "
        "the part not in the shared corpus.\n" + "".join(f"{k} {v}\n" for k, v in commits.items()))
    print(f"{n} images written to {a.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
