"""kzscam: an offline scam checker for messages, links, QR codes and remote-access tools.

The public Python API lives in `kzscam.api`; this module stays import-light so the CLI starts fast.
"""

from __future__ import annotations

__version__ = "0.1.0"
