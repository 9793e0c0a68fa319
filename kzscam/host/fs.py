"""Read-only file access under an audit root, shared by the file-based collectors.

Paths are handled as '/'-separated strings relative to the root ("usr/bin/x11vnc"): the root is
"/" on a live host or a mounted disk / extracted tree with `--root`. Windows trees are matched
case-insensitively, as Windows does. Anything unreadable is recorded (once per directory) in
`skipped` instead of raising: an audit without administrator rights still reports what it saw.

Offline (`confine`), the tree is walked like a chroot: absolute symlinks and '..' are resolved
inside the root, so a hostile or simply foreign tree never makes us read this computer's files.
Only regular files are ever opened (never a FIFO, socket or device, which could block forever).
"""

from __future__ import annotations

import errno
import fnmatch
import os
import posixpath
import re
import stat
from dataclasses import dataclass, field

MAX_READ = 256 * 1024  # config files, units and plists are small; never slurp a huge file
MAX_SKIPPED = 25
MAX_LINKS = 40  # symlinks followed while resolving one path, as the kernel allows
HOME_PARENTS = {"linux": ("home/*", "root"), "macos": ("Users/*", "var/root"),
                "windows": ("Users/*",)}
NOT_HOMES = {"shared", "public", "default", "default user", "all users", "guest"}


@dataclass(frozen=True)
class Target:
    """What to audit: a platform, a root directory, live or offline, and the catalogue paths."""

    platform: str
    root: str = "/"
    live: bool = True
    probes: tuple[str, ...] = ()


@dataclass
class Tree:
    """Safe directory listing, reading and glob expansion under `root`."""

    root: str
    windows: bool = False
    confine: bool = True
    skipped: list[str] = field(default_factory=list)
    _cache: dict[str, dict[str, str]] = field(default_factory=dict)
    _dirs: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def full(self, rel: str, follow: bool = True) -> str:
        """The path on this computer; offline, resolved inside the root (OSError if impossible)."""
        if not self.confine:
            return os.path.join(self.root, rel) if rel else self.root
        parent, _, last = rel.rpartition("/")
        done = self._dirs.get(parent)
        todo = [last] if done is not None else [p for p in rel.split("/") if p]
        parts = list(done or ())
        links = 0
        while todo:
            part = todo.pop(0)
            if part in (".", ""):
                continue
            if part == "..":
                parts = parts[:-1]  # '..' at the root stays at the root, as in a chroot
                continue
            path = os.path.join(self.root, *parts, part)
            st = os.lstat(path)
            if stat.S_ISLNK(st.st_mode) and (todo or follow):
                links += 1
                if links > MAX_LINKS:
                    raise OSError(errno.ELOOP, "too many levels of symbolic links", path)
                target = os.readlink(path)
                if target.startswith("/"):
                    parts = []
                todo = [p for p in target.split("/") if p] + todo
                continue
            if todo and not stat.S_ISDIR(st.st_mode):
                raise NotADirectoryError(errno.ENOTDIR, "not a directory", path)
            parts.append(part)
        if follow and parts and os.path.isdir(os.path.join(self.root, *parts)):
            self._dirs[rel] = tuple(parts)
        return os.path.join(self.root, *parts)

    def note(self, rel: str, reason: str) -> None:
        """Record one thing not checked (capped: a huge tree must not flood the report)."""
        line = f"{self.show(rel)}: {reason}"
        if line not in self.skipped and len(self.skipped) < MAX_SKIPPED:
            self.skipped.append(line)

    def show(self, rel: str) -> str:
        """The path as it is named on the audited system."""
        if self.windows:
            return "C:\\" + (self.real(rel) or rel).replace("/", "\\")
        return "/" + rel

    def skip(self, rel: str, exc: OSError) -> None:
        self.note(rel, (exc.strerror or type(exc).__name__).lower())

    def real(self, rel: str) -> str | None:
        """The on-disk spelling of `rel` (Windows trees: any case); None when it does not exist."""
        if not self.windows or not rel:
            return rel
        cur = ""
        for part in rel.split("/"):
            name = self._scan(cur).get(part.lower())
            if name is None:
                return None
            cur = f"{cur}/{name}" if cur else name
        return cur

    def _scan(self, real: str) -> dict[str, str]:
        cached = self._cache.get(real)
        if cached is not None:
            return cached
        names: dict[str, str] = {}
        try:
            with os.scandir(self.full(real)) as it:
                for entry in it:
                    names.setdefault(entry.name.lower() if self.windows else entry.name, entry.name)
        except (FileNotFoundError, NotADirectoryError):
            pass
        except OSError as exc:
            self.skip(real, exc)
        self._cache[real] = names
        return names

    def entries(self, rel: str) -> dict[str, str]:
        """{name (lower-case on Windows): real name} of a directory; empty when missing/unreadable."""
        real = self.real(rel)
        return {} if real is None else self._scan(real)

    def listdir(self, rel: str) -> list[str]:
        return sorted(self.entries(rel).values())

    def is_dir(self, rel: str) -> bool:
        real = self.real(rel)
        try:
            return real is not None and os.path.isdir(self.full(real))
        except OSError:
            return False

    def exists(self, rel: str) -> bool:
        real = self.real(rel)
        try:
            return real is not None and os.path.lexists(self.full(real, follow=False))
        except OSError:
            return False

    def regular(self, rel: str) -> str | None:
        """The host path of `rel` when it is a regular file (a FIFO or device is never opened)."""
        real = self.real(rel)
        if real is None:
            return None
        try:
            path = self.full(real)
            mode = os.stat(path).st_mode
        except (FileNotFoundError, NotADirectoryError):
            return None
        except OSError as exc:
            self.skip(real, exc)
            return None
        if stat.S_ISDIR(mode):
            return None
        if not stat.S_ISREG(mode):
            self.note(real, "not a regular file (not read)")
            return None
        return path

    def masked(self, rel: str) -> bool:
        """Is `rel` a masked systemd unit: a symlink to /dev/null or an empty file (systemd.unit(5))?

        A masked unit is a known state (it cannot be started), not something we failed to read:
        reading it would open /dev/null on a live host and find nothing offline. The link is
        followed by name, so an offline tree needs no /dev of its own.
        """
        real = self.real(rel)
        if real is None:
            return False
        shown = "/" + real
        try:
            path = self.full(real, follow=False)
            st = os.lstat(path)
            for _ in range(MAX_LINKS):
                if not stat.S_ISLNK(st.st_mode):
                    break
                shown = posixpath.normpath(posixpath.join(posixpath.dirname(shown),
                                                          os.readlink(path)))
                if shown == "/dev/null":
                    return True
                path = self.full(shown.lstrip("/"), follow=False)
                st = os.lstat(path)
            return stat.S_ISREG(st.st_mode) and st.st_size == 0
        except OSError:
            return False

    def read(self, rel: str, limit: int = MAX_READ) -> bytes | None:
        path = self.regular(rel)
        if path is None:
            return None
        try:  # O_NONBLOCK: should the file be swapped for a FIFO meanwhile, fstat refuses it
            flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
            fd = os.open(path, flags)
            with os.fdopen(fd, "rb") as fh:
                if not stat.S_ISREG(os.fstat(fd).st_mode):
                    self.note(rel, "not a regular file (not read)")
                    return None
                return fh.read(limit)
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            return None
        except OSError as exc:
            self.skip(rel, exc)
            return None

    def text(self, rel: str, limit: int = MAX_READ) -> str | None:
        data = self.read(rel, limit)
        return None if data is None else data.decode("utf-8", "replace")

    def glob(self, pattern: str) -> list[str]:
        """Relative paths matching a '/'-separated pattern; `*` and `?` work inside components."""
        found = [""]
        for part in [p for p in pattern.split("/") if p]:
            nxt: list[str] = []
            for base in found:
                if not any(c in part for c in "*?[") and not self.windows:
                    cand = f"{base}/{part}" if base else part
                    if self.exists(cand):
                        nxt.append(cand)
                    continue
                names = self.entries(base)
                key = part.lower() if self.windows else part
                if not any(c in part for c in "*?["):
                    hits = [names[key]] if key in names else []
                else:
                    rx = re.compile(fnmatch.translate(key))
                    hits = sorted(real for low, real in names.items() if rx.match(low))
                nxt += [f"{base}/{h}" if base else h for h in hits]
            found = nxt
            if not found:
                break
        return found

    def homes(self, platform: str) -> list[str]:
        """Home directories of every user under the root."""
        out: list[str] = []
        for pattern in HOME_PARENTS[platform]:
            out += [h for h in self.glob(pattern)
                    if h.rsplit("/", 1)[-1].lower() not in NOT_HOMES and self.is_dir(h)]
        return out

    def expand_home(self, pattern: str, homes: list[str]) -> list[str]:
        """'~/x' once per home directory; other patterns relative to the root."""
        if pattern.startswith("~/"):
            return [p for h in homes for p in self.glob(f"{h}/{pattern[2:]}")]
        return self.glob(pattern.lstrip("/"))


_COPY = re.compile(r"\s*\(\d+\)(?=\.|$)")
_EXT = re.compile(r"\.(appimage|deb|rpm|exe|msi|dmg|pkg|zip|tar\.gz|tgz|run|sh)$", re.I)
_VERSION = re.compile(r"_|-(?=v?\d)|\.(?=\d)|\s")


def program_names(filename: str, windows: bool) -> set[str]:
    """Names a downloaded file may stand for: "rustdesk-1.2.3-x86_64.AppImage" -> rustdesk.

    Browsers and vendors add versions, architectures and copy counters ("AnyDesk (1).exe",
    "TeamViewer_Setup_x64.exe"); the catalogue knows the bare program name.
    """
    base = _COPY.sub("", filename) if "(" in filename else filename
    stem = _VERSION.split(_EXT.sub("", base), maxsplit=1)[0]
    names = {base}
    if stem:
        names.add(f"{stem}.exe" if windows else stem)
    return names
