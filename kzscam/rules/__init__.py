"""Rule data and the code that loads, validates and compiles it.

Rule files are listed here explicitly (no package walking); a test checks that every .toml file under
this package is either listed or is a support file (lexicon, scoring).
"""

from __future__ import annotations

RULE_FILES: tuple[str, ...] = (
    "text/entities.toml",
    "text/authority.toml",
    "text/nbk_claims.toml",
    "text/support.toml",
    "text/codes.toml",
    "text/relatives.toml",
    "text/links_apps.toml",
    "text/personal_data.toml",
    "text/lures.toml",
    "text/jobs.toml",
    "text/invest.toml",
    "text/pressure.toml",
    "text/learned.toml",
    "qr.toml",
    "url.toml",
    "chat.toml",
    "host.toml",
)

SUPPORT_FILES: tuple[str, ...] = ("lexicon.toml", "scoring.toml", "chat_steps.toml")
