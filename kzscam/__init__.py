"""kzscam: an offline scam checker for messages, links, QR codes and remote-access tools.

The public Python API (`kzscam.check_text`, `check_url`, `scan_qr`, `check_chat`, ...) lives in
`kzscam.api` and is re-exported here lazily, so `import kzscam` and the CLI stay fast.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

_API = ("check_text", "check_many", "check_url", "scan_qr", "check_screenshot", "check_chat",
        "audit_host")
__all__ = ["__version__", *_API]


def __getattr__(name: str) -> Any:
    if name in _API:
        from kzscam import api

        return getattr(api, name)
    raise AttributeError(f"module 'kzscam' has no attribute {name!r}")
