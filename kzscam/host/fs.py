"""Read-only file access under an audit root, shared by the file-based collectors.

Paths are handled as '/'-separated strings relative to the root ("usr/bin/x11vnc"): the root is
"/" on a live host or a mounted disk / extracted tree with `--root`. Windows trees are matched
case-insensitively, as Windows does. Anything unreadable is recorded (once per directory) in
`skipped` instead of raising: an audit without administrator rights still reports what it saw.
"""

from __future__ import annotations

import fnmatch
import os
import re
from dataclasses import dataclass, field

MAX_READ = 256 * 1024  # config files, units and plists are small; never slurp a huge file
MAX_SKIPPED = 25
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
    skipped: list[str] = field(default_factory=list)
    _cache: dict[str, dict[str, str]] = field(default_factory=dict)

    def full(self, rel: str) -> str:
        return os.path.join(self.root, rel) if rel else self.root

    def show(self, rel: str) -> str:
        """The path as it is named on the audited system."""
        if self.windows:
            return "C:\\" + (self.real(rel) or rel).replace("/", "\\")
        return "/" + rel

    def skip(self, rel: str, exc: OSError) -> None:
        reason = exc.strerror or type(exc).__name__
        note = f"{self.show(rel)}: {reason.lower()}"
        if note not in self.skipped and len(self.skipped) < MAX_SKIPPED:
            self.skipped.append(note)

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
        return real is not None and os.path.isdir(self.full(real))

    def exists(self, rel: str) -> bool:
        real = self.real(rel)
        return real is not None and os.path.lexists(self.full(real))

    def read(self, rel: str, limit: int = MAX_READ) -> bytes | None:
        real = self.real(rel)
        if real is None:
            return None
        try:
            with open(self.full(real), "rb") as fh:
                return fh.read(limit)
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            return None
        except OSError as exc:
            self.skip(real, exc)
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
