"""A per-user cache of the compiled rules, so a one-message run skips compiling them.

Compiling the packaged rules (about 3,000 term patterns, the Aho-Corasick automaton) costs close to
100 ms, most of a single `check-text` run; loading this cache costs a few. The cache holds *data
only*: strings, numbers, byte strings and containers written with `marshal`, behind a header with
a format version, the cache key, the payload's length and its CRC-32. Nothing in it is ever called or
imported: the engine is rebuilt from that data by `Engine.from_image`.

Trust rules (the cache may be read by root, e.g. `sudo kzscam audit-host`):
- the folder and the file must be owned by the user running kzscam and writable by nobody else,
  and the file must be a regular file opened without following links (`O_NOFOLLOW`, `O_NONBLOCK`
  so a FIFO in its place cannot hang a run);
- the length and checksum must match, so a damaged file (any flipped bit, a truncated write) is
  rebuilt, never half-used. The checksum guards against damage, not against people: who may write
  the file is settled by its owner and permissions above. (CRC-32 rather than SHA-256: zlib is
  loaded anyway, OpenSSL's hashlib would add 2-4 ms to every start);
- the cache is neither read nor written when the nearest existing folder on its path belongs to
  another user (root running with another user's HOME);
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

MAGIC = b"KZSCAM-ENGINE-CACHE\n"
FORMAT = 3
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
    """`$XDG_CACHE_HOME/kzscam` (~/.cache/kzscam), or None when caching is off."""
    if os.environ.get("KZSCAM_NO_CACHE"):
        return None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "kzscam"


def code_files() -> list[Path]:
    """The Python files the cache key covers."""
    out: list[Path] = []
    for sub in _CODE_DIRS:
        folder = _ROOT / sub if sub else _ROOT
        try:
            out.extend(folder / e.name for e in os.scandir(folder) if e.name.endswith(".py"))
        except OSError:
            continue
    return sorted(out)


def cache_key(rules_digest: str) -> str:
    """Identity of everything a cached engine depends on (a change detector, not a signature)."""
    parts = [str(FORMAT), sys.version, rules_digest, _library_stamp()]
    for path in code_files():
        try:
            st = path.stat()
            parts.append(f"{path.name}:{st.st_size}:{st.st_mtime_ns}")
        except OSError:
            parts.append(f"{path.name}:missing")
    return f"{zlib.crc32('|'.join(parts).encode()):08x}"


def _library_stamp() -> str:
    """The Aho-Corasick extension's build: the cache stores its serialised trie."""
    import ahocorasick

    try:
        st = os.stat(ahocorasick.__file__ or "")
    except (OSError, TypeError):
        return "ahocorasick:unknown"
    return f"ahocorasick:{st.st_size}:{st.st_mtime_ns}"


def _owned_private(st: os.stat_result, uid: int) -> bool:
    return st.st_uid == uid and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _trusted_dir(folder: Path) -> bool:
    """The cache folder, or the nearest existing folder above it, is ours and private to us.

    Root running with another user's HOME finds that user's folders: not ours, so no cache.
    """
    uid = os.geteuid()
    probe = folder
    while True:
        try:
            st = os.lstat(probe)
        except FileNotFoundError:
            if probe.parent == probe:
                return False
            probe = probe.parent
            continue
        except OSError:
            return False
        if probe == folder:
            return stat.S_ISDIR(st.st_mode) and _owned_private(st, uid)
        # An ancestor: it must be ours (we are about to create folders in it).
        return stat.S_ISDIR(st.st_mode) and st.st_uid == uid


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


def _read(path: Path) -> bytearray | None:
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
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
    if folder is None or not _trusted_dir(folder):
        return None
    blob = _read(folder / f"{_PREFIX}{key}{_SUFFIX}")
    if blob is None:
        return None
    try:
        return decode(key, blob)
    except (ValueError, EOFError, TypeError):
        return None


def _room_for(folder: Path, size: int) -> bool:
    try:
        st = os.statvfs(folder)
    except (OSError, AttributeError):
        return True
    return st.f_bavail * st.f_frsize >= size + _MIN_FREE_BYTES


def _tidy(folder: Path, keep: str) -> None:
    """Remove other versions' caches and abandoned temporary files (ours, regular files only)."""
    uid, now = os.geteuid(), time.time()
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        name = entry.name
        old_cache = name.startswith(_PREFIX) and name != keep
        old_tmp = name.startswith(f".{_PREFIX}") and name.endswith(".tmp")
        legacy = name.startswith(_PREFIX) and name.endswith(".pickle")
        if not (old_cache or old_tmp or legacy):
            continue
        try:
            st = entry.stat(follow_symlinks=False)
            if not stat.S_ISREG(st.st_mode) or st.st_uid != uid:
                continue
            if old_tmp and now - st.st_mtime < _STALE_TMP_SECONDS:
                continue  # another process may be writing it right now
            os.unlink(folder / name)
        except OSError:
            continue


def save(key: str, image: Any) -> None:
    """Write atomically; any problem (read-only, full, foreign folder) just means no cache."""
    folder = cache_dir()
    if folder is None:
        return
    try:
        blob = encode(key, image)
    except (ValueError, TypeError):
        return
    if not _trusted_dir(folder):
        return
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError:
        return
    if not _trusted_dir(folder) or not _room_for(folder, len(blob)):
        return
    final = f"{_PREFIX}{key}{_SUFFIX}"
    _tidy(folder, final)
    tmp = folder / f".{_PREFIX}{key}.{os.getpid()}.{os.urandom(6).hex()}.tmp"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(tmp, flags, 0o600)
    except OSError:
        return
    try:
        try:
            view = memoryview(blob)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)
        os.replace(tmp, folder / final)
    except OSError:  # disk full, quota, a vanished folder: leave nothing half-written behind
        with contextlib.suppress(OSError):
            os.unlink(tmp)
