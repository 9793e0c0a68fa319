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
import hashlib
import json
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


# ---------------------------------------------------------------------------------------------
# The real-photo benchmark manifest (`qr_photos.py manifest ...`)
#
# Real photos (and a few screenshots and print-outs) of QR codes with their expected payloads,
# read at run time from local snapshots of public repositories. Each entry names the source
# repository, commit, path, licence, the expected payloads and a category assigned by looking at
# the photo. The frozen test part is decided before any tuning: for the ZXing photos it is the
# part the shared corpus holds out (kzscam was never tuned on it); for the other sources a hash of
# the path puts one photo in four in it.

REAL_SOURCES = {
    "zxing/zxing": ("Apache-2.0", "core/src/test/resources/blackbox/"),
    "zxing-cpp/zxing-cpp": ("Apache-2.0", "test/samples/"),
    "piderman314/bardecoder": ("MIT", "tests/images/"),
    "WanzenBug/rqrr": ("MIT OR Apache-2.0", "tests/data/"),
}

# Category of each photo, from what it shows: a folder default, then single photos.
REAL_FOLDER_CATEGORY = {
    "qrcode-1": "nominal", "qrcode-2": "nominal", "qrcode-3": "perspective", "qrcode-4": "curved",
    "qrcode-5": "shadows", "qrcode-6": "rotations", "multi-qrcode-1": "lots",
}
REAL_PHOTO_CATEGORY = {
    **{f"qrcode-1/{n}": "perspective" for n in (13, 14, 15)},
    **{f"qrcode-2/{n}": "non-compliant" for n in (
        12, 13, 14, 16, 17, 18, 19, 20, 21, 22, 24, 25, 26, 27, "#253", "#258", "qr-circles-1",
        "#709", "#1086", "qr-inv-2")},
    **{f"qrcode-2/{n}": "high version" for n in (2, "#1132", "high-res-1")},
    **{f"qrcode-2/{n}": "small" for n in (4, 5)},
    **{f"qrcode-2/{n}": "perspective" for n in ("30a", "estimate-tilt", "fix-finderpattern-ord",
                                              "fix-traceline")},
    "qrcode-2/28": "damaged", "qrcode-2/#1314": "bright spots", "qrcode-2/#142": "blurred",
    "qrcode-2/qr-inv-1": "glare", "qrcode-2/6": "blurred", "qrcode-2/23": "nominal",
    **{f"qrcode-3/{n:02d}": "blurred" for n in range(31, 43)},
    **{f"qrcode-5/{n:02d}": "glare" for n in (3, 8, 9, 10, 11, 14)},
    **{f"qrcode-5/{n:02d}": "high version" for n in (16, 17, 18, 19)},
    "qrcode-6/15": "damaged",
}
# Photos whose payloads their repository states in its tests rather than in a .txt file.
REAL_LISTED: list[tuple[str, str, str, list[str]]] = [
    ("zxing/zxing", "multi-qrcode-1/1.png", "lots", [
        "You earned the class a 5 MINUTE DANCE PARTY!!  Awesome!  Way to go!  Let's boogie!",
        "You earned the class 5 EXTRA MINUTES OF RECESS!!  Fabulous!!  Way to go!!",
        "You get to SIT AT MRS. SIGMON'S DESK FOR A DAY!!  Awesome!!  Way to go!! Guess I better "
        "clean up! :)",
        "You get to CREATE OUR JOURNAL PROMPT FOR THE DAY!  Yay!  Way to go!  "]),
    ("piderman314/bardecoder", "version1_example.jpg", "nominal", ["01234567"]),
    ("piderman314/bardecoder", "version1_example_upside_down.jpg", "rotations", ["01234567"]),
    ("piderman314/bardecoder", "version1_example2.jpg", "blurred", ["0P1UF3L3016456"]),
    ("piderman314/bardecoder", "version3_example.jpg", "glare",
     ["https://payapp.weixin.qq.com/olspree?code_type=2"]),
    ("piderman314/bardecoder", "version3_example2.jpg", "blurred",
     ["http://www.prolinepetfood.com/1/"]),
    ("piderman314/bardecoder", "version4_example.jpg", "nominal",
     ["http://m.langnese-honing.nl/index.php?id=1870"]),
    ("piderman314/bardecoder", "needs_alignment.jpg", "close",
     ["http://cblink.je/app-install-display-nl"]),
    ("piderman314/bardecoder", "multiple_codes.png", "lots",
     ["http://www.prolinepetfood.com/1/", "Ver1"]),
    ("WanzenBug/rqrr", "full/gogh.jpg", "lots",
     ["https://github.com/WanzenBug/rqrr", "rqrr", "1234567891011121314151617181920"]),
]
# Label typos in a source, fixed as the shared corpus fixes them (the symbol says otherwise).
REAL_CORRECTIONS = {
    "qrcode-2/13": ("aerial photograph of", "aerial photography of"),
}
_REAL_LISTED_KEYS = {f"{Path(p).parent}/{Path(p).stem}" for _, p, _, _ in REAL_LISTED}
# A "double QR": a second, smaller symbol printed inside the first. Its label names only the
# outer one; the inner one (its text read from the photo; zxing-cpp reads it directly) is a code
# in the photo too.
REAL_INNER_CODE = {"qrcode-2/16": "[内側QRコード]\r\n\r\n*ダブルQR*\r\nhttp://d-qr.net/ex/"}
# zxing-cpp folders whose photos are twins of zxing's (same name): the zxing original is used.
_REAL_TWINS = {f"qrcode-{i}" for i in range(1, 7)}


def _mirror(mirrors: Path, repo: str) -> Path:
    return mirrors / repo.replace("/", "+") / "repo"


def real_manifest(mirrors: Path, shared: Path) -> list[dict[str, object]]:
    """Entries for every labelled QR photo of REAL_SOURCES found in the snapshots under `mirrors`."""
    entries: list[dict[str, object]] = []
    seen: set[str] = set()
    commits = {}
    for repo in REAL_SOURCES:
        gitdir = _mirror(mirrors, repo)
        if gitdir.is_dir():
            commits[repo] = _git(gitdir, "rev-parse", "HEAD").decode().strip()
    for repo in ("zxing/zxing", "zxing-cpp/zxing-cpp"):
        if repo not in commits:
            continue
        licence, prefix = REAL_SOURCES[repo]
        gitdir = _mirror(mirrors, repo)
        names = _files(gitdir, prefix)
        present = set(names)
        for name in names:
            rel = name[len(prefix):]
            folder, _, file = rel.partition("/")
            if not folder.startswith("qrcode-") or "/" in file or folder == "qrcode-7":
                continue  # qrcode-7: one structured-append message split over four symbols
            if Path(file).suffix.lower() not in IMAGE_EXT:
                continue
            key = f"{folder}/{Path(file).stem}"
            label = f"{prefix}{folder}/{Path(file).stem}.txt"
            if key in seen or label not in present or key in _REAL_LISTED_KEYS:
                continue
            seen.add(key)
            java = "java-" if repo == "zxing/zxing" else ""
            held_out = not any((shared / f"{java}{folder}" / (Path(file).stem + ext)).exists()
                               for ext in IMAGE_EXT)
            category = REAL_PHOTO_CATEGORY.get(key, REAL_FOLDER_CATEGORY[folder])
            expected = _git(gitdir, "show", f"HEAD:{label}").decode("utf-8")
            if key in REAL_CORRECTIONS:
                expected = expected.replace(*REAL_CORRECTIONS[key])
            payloads = [expected]
            if key in REAL_INNER_CODE:
                payloads.append(REAL_INNER_CODE[key])
            entries.append({"repo": repo, "commit": commits[repo], "path": name, "licence": licence,
                            "category": category, "expected": payloads,
                            "part": "test" if held_out else "tune"})
    for repo, rel, category, expected in REAL_LISTED:
        if repo not in commits:
            continue
        licence, prefix = REAL_SOURCES[repo]
        path = prefix + rel
        digest = hashlib.blake2b(f"qr-real/{repo}/{path}".encode(), digest_size=8).digest()
        entries.append({"repo": repo, "commit": commits[repo], "path": path, "licence": licence,
                        "category": category, "expected": expected,
                        "part": "test" if digest[0] % 4 == 0 else "tune"})
    return entries


def _guard_ok(entries: list[dict[str, object]], shared_root: Path) -> list[str]:
    """Expected payloads that are near-duplicates of held-out evaluation material (must be none)."""
    guard = shared_root / "tools" / "heldout_guard.py"
    payloads = [str(p) for e in entries for p in e["expected"]]  # type: ignore[attr-defined]
    lines = "".join(json.dumps({"text": p}, ensure_ascii=False) + "\n" for p in payloads)
    proc = subprocess.run([sys.executable, str(guard), "-", "--field", "text"],
                          input=lines.encode(), capture_output=True, check=True)
    kept = {json.loads(line)["text"] for line in proc.stdout.decode().splitlines() if line}
    return [p for p in payloads if p not in kept]


def manifest_main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="qr_photos.py manifest",
                                 description="Build the real-photo benchmark manifest.")
    ap.add_argument("--mirrors", type=Path, required=True,
                    help="folder of git snapshots named owner+name/repo")
    ap.add_argument("--shared", type=Path, default=Path("../shared"))
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args(argv)
    entries = real_manifest(a.mirrors, a.shared / "corpus" / "qr")
    if not entries:
        print(f"qr_photos: no snapshots of {', '.join(REAL_SOURCES)} under {a.mirrors}",
              file=sys.stderr)
        return 2
    dropped = _guard_ok(entries, a.shared)
    if dropped:
        print(f"qr_photos: {len(dropped)} payloads are near held-out material: {dropped[:3]}",
              file=sys.stderr)
        return 1
    a.out.write_text(json.dumps(entries, ensure_ascii=False, indent=1) + "\n")
    parts = {p: sum(e["part"] == p for e in entries) for p in ("tune", "test")}
    print(f"{len(entries)} photos ({parts['tune']} tune, {parts['test']} test) -> {a.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(manifest_main(sys.argv[2:]) if sys.argv[1:2] == ["manifest"] else main())
