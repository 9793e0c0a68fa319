"""Write small Windows registry hive files (REGF) for the offline-disk tests.

Only what a hive needs to hold keys and REG_SZ/REG_EXPAND_SZ/REG_DWORD values: the 4 KiB base
block (with its XOR checksum), one hive bin, `nk` key nodes, `li` subkey lists, value lists and
`vk` values, laid out as the REGF format specification describes (libyal's "Windows NT Registry
File (REGF) format"). The hives it writes are read back by two independent parsers: regipy (what
kzscam uses) and, when installed, hivex's `hivexregedit --export`.
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import TypeAlias

Value: TypeAlias = str | int
Tree: TypeAlias = dict[str, "Tree | Value"]  # a key: subkeys (dict) and values (str, int)

REG_SZ, REG_EXPAND_SZ, REG_DWORD = 1, 2, 4
FILETIME = 133_500_000_000_000_000  # 2024-01-20, any fixed time


class _Bin:
    """Cells of one hive bin; offsets are relative to the first bin, as REGF stores them."""

    def __init__(self) -> None:
        self.data = bytearray()

    def cell(self, payload: bytes) -> int:
        size = (4 + len(payload) + 7) // 8 * 8
        offset = 0x20 + len(self.data)
        self.data += struct.pack("<i", -size) + payload + b"\0" * (size - 4 - len(payload))
        return offset

    def patch(self, offset: int, at: int, fmt: str, value: int) -> None:
        struct.pack_into(fmt, self.data, offset - 0x20 + 4 + at, value)


def _value(hbin: _Bin, name: str, value: Value) -> int:
    if isinstance(value, int):
        kind, data = REG_DWORD, struct.pack("<I", value)
    else:
        kind = REG_EXPAND_SZ if "%" in value else REG_SZ
        data = (value + "\0").encode("utf-16-le")
    raw = name.encode("ascii")
    if len(data) <= 4:  # stored in the offset field itself
        size, where = len(data) | 0x80000000, int.from_bytes(data.ljust(4, b"\0"), "little")
    else:
        size, where = len(data), hbin.cell(data)
    return hbin.cell(b"vk" + struct.pack("<HIIIHH", len(raw), size, where, kind, 1, 0) + raw)


def _key(hbin: _Bin, name: str, content: Tree, parent: int, root: bool = False) -> int:
    raw = name.encode("ascii")
    nk = bytearray(b"nk" + struct.pack("<HQIIIIIIIIIIIIIIIHH", 0x2C if root else 0x20, FILETIME,
                                       0, parent, 0, 0, 0xFFFFFFFF, 0xFFFFFFFF, 0, 0xFFFFFFFF,
                                       0xFFFFFFFF, 0xFFFFFFFF, 0, 0, 0, 0, 0, len(raw), 0) + raw)
    offset = hbin.cell(bytes(nk))
    subkeys = {k: v for k, v in content.items() if isinstance(v, dict)}
    values = {k: v for k, v in content.items() if not isinstance(v, dict)}
    if subkeys:
        ordered = sorted(subkeys.items(), key=lambda i: i[0].upper())
        children = [_key(hbin, k, v, offset) for k, v in ordered]
        lst = hbin.cell(b"li" + struct.pack("<H", len(children))
                        + b"".join(struct.pack("<I", c) for c in children))
        hbin.patch(offset, 0x14, "<I", len(children))
        hbin.patch(offset, 0x1C, "<I", lst)
        hbin.patch(offset, 0x34, "<I", max(len(k) * 2 for k in subkeys))
    if values:
        cells = [_value(hbin, k, v) for k, v in values.items()]
        lst = hbin.cell(b"".join(struct.pack("<I", c) for c in cells))
        hbin.patch(offset, 0x24, "<I", len(cells))
        hbin.patch(offset, 0x28, "<I", lst)
    return offset


def write_hive(path: Path, content: Tree, name: str = "SYSTEM") -> Path:
    """A hive whose root key holds `content` (e.g. {"Select": {"Current": 1}, ...})."""
    hbin = _Bin()
    root = _key(hbin, "ROOT", content, 0, root=True)
    size = (0x20 + len(hbin.data) + 4095) // 4096 * 4096
    free = size - 0x20 - len(hbin.data)
    body = bytes(hbin.data) + struct.pack("<i", free) + b"\0" * (free - 4)
    hbin_block = b"hbin" + struct.pack("<IIIIQI", 0, size, 0, 0, FILETIME, 0) + body
    base = bytearray(4096)
    struct.pack_into("<4sIIQIIIIII", base, 0, b"regf", 1, 1, FILETIME, 1, 5, 0, 1, root - 0x20 + 0x20,
                     size)
    struct.pack_into("<I", base, 0x2C, 1)
    file_name = f"\\??\\C:\\Windows\\System32\\Config\\{name}".encode("utf-16-le")
    base[0x30:0x30 + 64] = file_name[:64].ljust(64, b"\0")
    checksum = 0
    for i in range(127):
        checksum ^= struct.unpack_from("<I", base, i * 4)[0]
    struct.pack_into("<I", base, 0x1FC, checksum)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(bytes(base) + hbin_block)
    return path
