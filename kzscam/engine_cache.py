"""A per-user cache of the compiled rules, so a one-message run skips compiling them.

Compiling the packaged rules (about 3,000 term patterns, the Aho-Corasick automaton) costs close to
100 ms, most of a single `check-text` run; loading this cache costs a few. The cache holds *data
only*: strings, numbers, byte strings and containers written with `marshal`, behind a header with
a format version, the cache key, the payload's length and its CRC-32. Nothing in it is ever called or
imported: the engine is rebuilt from that data by `Engine.from_image`.

Trust rules (the cache may be read by root, e.g. `sudo kzscam audit-host`):
- the folder holding `kzscam/` must be ours or root's and writable by nobody else (so nobody else
  can swap `kzscam/` for a link after the check); `kzscam/` is opened once with
  `O_DIRECTORY | O_NOFOLLOW`, checked on that descriptor (ours, writable by nobody else), and every
  later step goes through the descriptor, never the path;
- the file must be a regular file of ours, writable by nobody else, opened relative to the folder
  without following links (`O_NOFOLLOW`, `O_NONBLOCK` so a FIFO in its place cannot hang a run);
- the length and checksum must match, so a damaged file (any flipped bit, a truncated write) is
  rebuilt, never half-used. The checksum guards against damage, not against people: who may write
  the file is settled by the owner and permission checks. (CRC-32 rather than SHA-256: zlib is
  loaded anyway, OpenSSL's hashlib would add 2-4 ms to every start);
- root running with another user's HOME meets that user's folders: not ours, so no cache;
- writes go to a fresh temporary file created with `O_EXCL | O_NOFOLLOW` and renamed into place,
  so a planted link is never followed, and nothing is written when the disk is nearly full.
Any problem means "no cache": the rules are compiled from the package, with the same results.
`KZSCAM_NO_CACHE=1` turns the cache off.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import stat
import sys
import time
import zlib
from pathlib import Path
from typing import Any

from kzscam.lazyre import lazy_re

MAGIC = b"KZSCAM-ENGINE-CACHE\n"
FORMAT = 5
# magic, format (u16), key (8 hex chars), payload length (u64), CRC-32 of the payload (u32)
_HEADER = len(MAGIC) + 2 + 8 + 8 + 4
MAX_BYTES = 64 * 1024 * 1024  # far above a real cache (~1 MB): anything larger is not ours
_MIN_FREE_BYTES = 64 * 1024 * 1024  # leave room on the disk: a cache is never worth filling it
_STALE_TMP_SECONDS = 600
_PREFIX, _SUFFIX = "engine-", ".cache"
_ROOT = Path(__file__).resolve().parent
# Modules whose code shapes the compiled engine: every module in these folders counts, so a new
# module cannot be forgotten (a test checks that everything the engine imports is covered).
_CODE_DIRS = ("", "rules", "text")


def cache_dir() -> Path | None:
    """`$XDG_CACHE_HOME/kzscam` (~/.cache/kzscam), or None when caching is off or the location is
    not an absolute path (an unset HOME, a relative XDG_CACHE_HOME: the XDG spec ignores those)."""
    if os.environ.get("KZSCAM_NO_CACHE"):
        return None
    base = os.environ.get("XDG_CACHE_HOME") or ""
    if not os.path.isabs(base):
        home = os.path.expanduser("~")
        if not os.path.isabs(home):
            return None
        base = os.path.join(home, ".cache")
    return Path(base) / "kzscam"


def _code_paths() -> list[str]:
    """The Python files the cache key covers, as sorted path strings (no Path objects: this runs
    at every start)."""
    out: list[str] = []
    for sub in _CODE_DIRS:
        folder = os.path.join(_ROOT, sub) if sub else str(_ROOT)
        try:
            with os.scandir(folder) as entries:
                out.extend(e.path for e in entries if e.name.endswith(".py"))
        except OSError:
            continue
    return sorted(out)


def code_files() -> list[Path]:
    """The Python files the cache key covers."""
    return [Path(p) for p in _code_paths()]


def cache_key(rules_digest: str) -> str:
    """Identity of everything a cached engine depends on (a change detector, not a signature)."""
    parts = [str(FORMAT), sys.version, rules_digest]
    paths: list[str | Path] = [*_code_paths(), *data_files()]
    for path in paths:
        name = os.path.basename(path)
        try:
            st = os.stat(path)
            parts.append(f"{name}:{st.st_size}:{st.st_mtime_ns}")
        except OSError:
            parts.append(f"{name}:missing")
    return f"{zlib.crc32('|'.join(parts).encode()):08x}"


def data_files() -> list[Path]:
    """Data the engine may read besides the rule files (whose identity comes with
    `rules_digest`): every JSON file in kzscam/data/, found on disk rather than listed."""
    try:
        return sorted(_ROOT / "data" / e.name for e in os.scandir(_ROOT / "data")
                      if e.name.endswith(".json"))
    except OSError:
        return []


def _owned_private(st: os.stat_result, uid: int) -> bool:
    return st.st_uid == uid and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _safe_parent(st: os.stat_result, uid: int) -> bool:
    """The folder holding the cache folder: ours or root's, and nobody else may change it."""
    return (stat.S_ISDIR(st.st_mode) and st.st_uid in (uid, 0)
            and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH))


def _open_dir(folder: Path, *, create: bool) -> int | None:
    """A descriptor of the cache folder, verified on the descriptor itself, or None.

    The folder must be ours, private, and not a link; the folder above it must be ours or root's
    and writable by nobody else, so nobody else can swap the folder after the check. Root running
    with another user's HOME finds that user's folders: not ours, so no cache. Everything after
    this goes through the descriptor (`dir_fd`), never through the path again.
    """
    uid = os.geteuid()
    try:
        parent = os.stat(folder.parent)
    except OSError:
        if not create:
            return None
        parent = None
    if parent is None:
        # Create the missing folders only below a folder of ours (never in someone else's tree).
        probe = folder.parent
        while True:
            try:
                st = os.lstat(probe)
                break
            except FileNotFoundError:
                if probe.parent == probe:
                    return None
                probe = probe.parent
            except OSError:
                return None
        if not stat.S_ISDIR(st.st_mode) or st.st_uid != uid:
            return None
        try:
            folder.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            parent = os.stat(folder.parent)
        except OSError:
            return None
    if not _safe_parent(parent, uid):
        return None
    if create:
        with contextlib.suppress(OSError):  # exists already, or cannot: the open below decides
            os.mkdir(folder, 0o700)
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(folder, flags)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode) and _owned_private(st, uid):
            return fd
    except OSError:
        pass
    os.close(fd)
    return None


def encode(key: str, image: Any) -> bytes:
    """Header + marshal payload; marshal is used for plain data only (see `Engine.to_image`)."""
    payload = marshal.dumps(image, 4)
    return (MAGIC + FORMAT.to_bytes(2, "big") + key.encode("ascii")
            + len(payload).to_bytes(8, "big") + zlib.crc32(payload).to_bytes(4, "big") + payload)


def decode(key: str, blob: bytes | bytearray) -> Any:
    """The image in `blob`, or None when the header, key, length or checksum is wrong."""
    view = memoryview(blob)
    if len(view) < _HEADER or view[: len(MAGIC)] != MAGIC:
        return None
    at = len(MAGIC)
    if int.from_bytes(view[at : at + 2], "big") != FORMAT:
        return None
    if view[at + 2 : at + 10] != key.encode("ascii"):
        return None
    payload = view[_HEADER:]
    if int.from_bytes(view[at + 10 : at + 18], "big") != len(payload):
        return None
    if zlib.crc32(payload) != int.from_bytes(view[at + 18 : _HEADER], "big"):
        return None
    return marshal.loads(payload)


def _read(dir_fd: int, name: str) -> bytearray | None:
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(name, flags, dir_fd=dir_fd)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if (not stat.S_ISREG(st.st_mode) or not _owned_private(st, os.geteuid())
                or st.st_size > MAX_BYTES or st.st_size < _HEADER):
            return None
        blob = bytearray(st.st_size)
        view, got = memoryview(blob), 0
        while got < st.st_size:
            n = os.readv(fd, [view[got:]])
            if n == 0:
                return None  # shrank while reading
            got += n
        return blob
    except OSError:
        return None
    finally:
        os.close(fd)


def load(key: str) -> Any:
    """The cached image for `key`, or None (missing, foreign, damaged or from another version)."""
    folder = cache_dir()
    dir_fd = None if folder is None else _open_dir(folder, create=False)
    if dir_fd is None:
        return None
    try:
        blob = _read(dir_fd, f"{_PREFIX}{key}{_SUFFIX}")
    finally:
        os.close(dir_fd)
    if blob is None:
        return None
    try:
        return decode(key, blob)
    except (ValueError, EOFError, TypeError, RecursionError, MemoryError):
        return None


def discard(key: str) -> None:
    """Remove a cache that decoded but could not be used (written by an incompatible build)."""
    folder = cache_dir()
    dir_fd = None if folder is None else _open_dir(folder, create=False)
    if dir_fd is None:
        return
    try:
        _unlink_ours(dir_fd, f"{_PREFIX}{key}{_SUFFIX}")
    finally:
        os.close(dir_fd)


def _room_for(dir_fd: int, size: int) -> bool:
    try:
        st = os.fstatvfs(dir_fd)
    except (OSError, AttributeError):
        return True
    return st.f_bavail * st.f_frsize >= size + _MIN_FREE_BYTES


_OURS = lazy_re(r"engine-[0-9a-f]{8}\.(?:cache|pickle)|\.engine-[0-9a-f]{8}\.\d+\.[0-9a-f]{12}\.tmp")
KEEP_KEYS = 3  # caches of other kzscam installs sharing the folder survive (newest first)


def _unlink_ours(dir_fd: int, name: str) -> None:
    with contextlib.suppress(OSError):
        st = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
        if stat.S_ISREG(st.st_mode) and st.st_uid == os.geteuid():
            os.unlink(name, dir_fd=dir_fd)


def _tidy(dir_fd: int, keep: str) -> None:
    """Remove older caches (beyond the newest few: another install may share the folder), the
    legacy pickle cache and abandoned temporary files: only names kzscam writes, only regular
    files of ours, only in the verified folder."""
    uid, now = os.geteuid(), time.time()
    caches: list[tuple[float, str]] = []
    try:
        names = os.listdir(dir_fd)
    except OSError:
        return
    for name in names:
        if name == keep or not _OURS.fullmatch(name):
            continue
        try:
            st = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
        except OSError:
            continue
        if not stat.S_ISREG(st.st_mode) or st.st_uid != uid:
            continue
        if name.endswith(".tmp"):
            if now - st.st_mtime >= _STALE_TMP_SECONDS:  # else another process may be writing it
                _unlink_ours(dir_fd, name)
        elif name.endswith(".pickle"):
            _unlink_ours(dir_fd, name)
        else:
            caches.append((st.st_mtime, name))
    for _mtime, name in sorted(caches, reverse=True)[KEEP_KEYS - 1 :]:
        _unlink_ours(dir_fd, name)


def save(key: str, image: Any) -> None:
    """Write atomically; any problem (read-only, full, foreign folder) just means no cache."""
    folder = cache_dir()
    if folder is None:
        return
    try:
        blob = encode(key, image)
    except (ValueError, TypeError):
        return
    dir_fd = _open_dir(folder, create=True)
    if dir_fd is None:
        return
    try:
        if _room_for(dir_fd, len(blob)):
            _write(dir_fd, key, blob)
    finally:
        os.close(dir_fd)


def _write(dir_fd: int, key: str, blob: bytes) -> None:
    final = f"{_PREFIX}{key}{_SUFFIX}"
    _tidy(dir_fd, final)
    tmp = f".{_PREFIX}{key}.{os.getpid()}.{os.urandom(6).hex()}.tmp"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(tmp, flags, 0o600, dir_fd=dir_fd)
    except OSError:
        return
    try:
        try:
            view = memoryview(blob)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)
        os.replace(tmp, final, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
    except OSError:  # disk full, quota, a vanished folder: leave nothing half-written behind
        with contextlib.suppress(OSError):
            os.unlink(tmp, dir_fd=dir_fd)
