"""Offline Windows registry: the hive files of a mounted disk, read with regipy, behind the small
part of the `winreg` API that `winreg_collector` uses. The live and the offline audit therefore
read services, Run keys and uninstall entries with the same code.

HKLM\\SYSTEM is `Windows/System32/config/SYSTEM` (CurrentControlSet resolved through
Select\\Current), HKLM\\Software is `.../config/SOFTWARE`, and every `Users/<name>/NTUSER.DAT`
appears under HKEY_USERS as <name>. A hive that is missing is simply absent; one that regipy
cannot parse (damaged, hostile, too large) is reported in `skipped` and the others are read.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from kzscam.host.fs import Tree

CONFIG = "Windows/System32/config"
MAX_HIVE = 512 << 20  # regipy reads a hive into memory; real SOFTWARE hives stay well below


class _InlineAwareStream(BytesIO):
    """The hive bytes, for regipy. regipy reads `data_size` bytes for every value; for the
    common small values (DWORDs, short strings) that size has its top bit set, which the format
    uses to say "the data is in the offset field", so the read copies the rest of the hive each
    time (15 s for the services of a real 11 MB SYSTEM hive). regipy then takes the inline data
    from the offset field anyway, so such a read may return just those bytes."""

    def read(self, size: int | None = -1, /) -> bytes:
        if size is not None and size >= 0x80000000:
            size -= 0x80000000
        return super().read(size)


def _open_hive(path: str) -> Any:
    """regipy's hive on the stream above (same bytes, same parse; only the wasteful reads go)."""
    from regipy.registry import NKRecord, RegistryHive  # only offline Windows audits need it

    hive = RegistryHive(path)  # type: ignore[no-untyped-call]
    stream = _InlineAwareStream(hive._stream.getvalue())
    hive._stream = stream
    root_hbin = hive.get_hbin_at_offset()  # type: ignore[no-untyped-call]
    hive.root = NKRecord(next(root_hbin.iter_cells(stream)), stream)  # type: ignore[no-untyped-call]
    return hive


@dataclass(frozen=True)
class _Handle:
    """An open key: which hive file, and the path inside it ("" = its root)."""

    hive: Any
    path: str


class OfflineRegistry:
    """winreg-shaped reader (OpenKey, EnumKey, EnumValue) over a tree's hive files."""

    HKEY_LOCAL_MACHINE = "HKLM"
    HKEY_USERS = "HKU"

    def __init__(self, tree: Tree, homes: list[str]) -> None:
        self.tree = tree
        self.skipped: list[str] = []
        self.machine: dict[str, Any] = {}
        system = self._load(f"{CONFIG}/SYSTEM")
        if system is not None:
            self.machine["system"] = (system, self._control_set(system))
        software = self._load(f"{CONFIG}/SOFTWARE")
        if software is not None:
            self.machine["software"] = (software, "")
        self._listed: dict[tuple[int, str], list[str]] = {}
        self._read: dict[tuple[int, str], list[tuple[str, Any]]] = {}
        self._nodes: dict[tuple[int, str], Any] = {}  # key records met while listing a parent
        self.users: dict[str, Any] = {}
        for home in homes:
            hive = self._load(f"{home}/NTUSER.DAT")
            if hive is not None:
                self.users[home.rsplit("/", 1)[-1]] = hive

    def _load(self, rel: str) -> Any:
        path = self.tree.regular(rel)
        if path is None:
            return None
        try:
            if os.stat(path).st_size > MAX_HIVE:
                self.skipped.append(f"{self.tree.show(rel)}: registry hive larger than 512 MiB (not read)")
                return None
            return _open_hive(path)
        except Exception as exc:  # untrusted bytes: any parser error costs this hive only
            self.skipped.append(f"{self.tree.show(rel)}: not a readable registry hive "
                                f"({type(exc).__name__})"[:300])
            return None

    @staticmethod
    def _control_set(hive: Any) -> str:
        """ControlSet00N that CurrentControlSet stands for (Select\\Current; 1 when absent)."""
        try:
            current = {v.name: v.value for v in hive.get_key("\\Select").iter_values()}.get("Current")
        except Exception:
            current = None
        return f"ControlSet{int(current) if isinstance(current, int) and 0 < current < 1000 else 1:03d}"

    def OpenKey(self, hive: str, path: str) -> _Handle:
        parts = [p for p in path.split("\\") if p]
        if hive == self.HKEY_USERS:
            if not parts:
                return _Handle(None, "")
            user = self.users.get(parts[0])
            if user is None:
                raise FileNotFoundError(path)
            return self._key(user, parts[1:], path)
        if not parts or parts[0].lower() not in self.machine:
            raise FileNotFoundError(path)
        file, control_set = self.machine[parts[0].lower()]
        rest = parts[1:]
        if rest and rest[0].lower() == "currentcontrolset":
            rest = [control_set, *rest[1:]]
        return self._key(file, rest, path)

    def _node(self, hive: Any, inner: str) -> Any:
        """The key record at `inner`: remembered from its parent's listing (regipy's get_key
        walks from the root and scans every sibling: 500 services would cost 500 walks)."""
        memo = (id(hive), inner.lower())
        if memo not in self._nodes:
            self._nodes[memo] = hive.get_key(inner)
        return self._nodes[memo]

    def _key(self, hive: Any, parts: list[str], shown: str) -> _Handle:
        inner = "\\" + "\\".join(parts)
        try:
            self._node(hive, inner)
        except Exception:
            raise FileNotFoundError(shown) from None
        return _Handle(hive, inner)

    def _subkeys(self, key: _Handle) -> list[str]:
        """Names under a key, listed once (EnumKey is called with 0, 1, 2, ...)."""
        if key.hive is None:  # HKEY_USERS itself: one entry per user hive
            return list(self.users)
        memo = (id(key.hive), key.path)
        if memo not in self._listed:
            children = list(self._node(key.hive, key.path).iter_subkeys())
            for child in children:
                self._nodes[(id(key.hive), f"{key.path.rstrip(chr(92))}\\{child.name}".lower())] = child
            self._listed[memo] = [str(c.name) for c in children]
        return self._listed[memo]

    def EnumKey(self, key: _Handle, index: int) -> str:
        names = self._subkeys(key)
        if index >= len(names):
            raise OSError("no more keys")
        return names[index]

    def EnumValue(self, key: _Handle, index: int) -> tuple[str, Any, int]:
        memo = (id(key.hive), key.path)
        if memo not in self._read:
            self._read[memo] = [] if key.hive is None else list(_values(self._node(key.hive, key.path)))
        values = self._read[memo]
        if index >= len(values):
            raise OSError("no more values")
        name, value = values[index]
        return name, value, 0


def _values(nk: Any) -> Iterator[tuple[str, Any]]:
    for v in nk.iter_values():
        yield ("" if v.name == "(default)" else str(v.name)), v.value
