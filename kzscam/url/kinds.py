"""What kind of link this is: shortener, free hosting, form, remote-access tool, app download,
messenger login or prefilled chat, payment. Data in ``kzscam/data/url/links.toml``.

Each function is a predicate over an already parsed URL and decoded host name; the inspector turns
the answers into hits.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from urllib.parse import parse_qsl

from kzscam.url.host import parents
from kzscam.url.psl import is_private


@dataclass(frozen=True)
class Links:
    """The link-kind tables; entries with a "/" match a host plus a path prefix."""

    shorteners: frozenset[str]
    redirects: frozenset[str]
    hosting: frozenset[str]
    forms: frozenset[str]
    tools: dict[str, str]  # domain or path entry -> tool name
    tool_apps: dict[str, str]  # Android package -> tool name
    app_ext: frozenset[str]
    archive_ext: frozenset[str]
    by_entry: dict[str, tuple[str, ...]]  # every domain entry -> the kinds it belongs to

    def kinds_of(self, name: str, path: str) -> dict[str, str]:
        """{kind: matching entry} for host `name` and `path`, in one walk up the domain."""
        found: dict[str, str] = {}
        first = path[1:].split("/", 1)[0][:100] if path.startswith("/") else ""
        for candidate in parents(name):
            for entry in (candidate, f"{candidate}/{first}" if first else ""):
                for kind in self.by_entry.get(entry, ()):
                    found.setdefault(kind, entry)
        return found


@functools.cache
def links() -> Links:
    """Load links.toml once."""
    import tomllib
    from importlib import resources

    raw = tomllib.loads(
        resources.files("kzscam.data.url").joinpath("links.toml").read_text("utf-8"))
    tools: dict[str, str] = {}
    apps: dict[str, str] = {}
    for tool in raw["remote_tools"]["tools"]:
        for domain in tool["domains"]:
            tools[domain] = tool["name"]
        for package in tool["android"]:
            apps[package] = tool["name"]
    tables = {"shortener": raw["shorteners"]["domains"], "redirect": raw["shorteners"]["redirect_hosts"],
              "hosting": raw["hosting"]["domains"], "form": raw["forms"]["domains"], "tool": tools}
    by_entry: dict[str, tuple[str, ...]] = {}
    for kind, entries in tables.items():
        for entry in entries:
            by_entry[entry] = (*by_entry.get(entry, ()), kind)
    return Links(
        frozenset(raw["shorteners"]["domains"]), frozenset(raw["shorteners"]["redirect_hosts"]),
        frozenset(raw["hosting"]["domains"]), frozenset(raw["forms"]["domains"]), tools, apps,
        frozenset(raw["downloads"]["app"]), frozenset(raw["downloads"]["archive"]), by_entry,
    )


def anyone_publishes(found: dict[str, str], suffix: str) -> bool:
    """Can anyone get a page here? Free hosting and dynamic DNS from links.toml (`found`, the
    host's kinds from `Links.kinds_of`), or a suffix of the Public Suffix List's private section
    (companies that hand out subdomains)."""
    return "hosting" in found or is_private(suffix)


def lookup(name: str, path: str, table: frozenset[str] | dict[str, str]) -> str | None:
    """The entry of `table` matching host `name` (or a parent domain), or host+path prefix."""
    first = path[1:].split("/", 1)[0][:100] if path.startswith("/") else ""
    for candidate in parents(name):
        if candidate in table:
            return candidate
        if first and f"{candidate}/{first}" in table:
            return f"{candidate}/{first}"
    return None


def remote_tool(name: str, path: str, query: str, entry: str | None = None) -> str | None:
    """Name of the remote-access tool this link downloads or shows, if any (`entry`: the tools
    table entry already matched by `Links.kinds_of`)."""
    data = links()
    entry = entry or lookup(name, path, data.tools)
    if entry is not None:
        return data.tools[entry]
    if name in ("play.google.com", "market.android.com") and "id=" in query:
        return tool_package(query)
    if name == "apps.apple.com":
        low = path.lower()
        for tool in ("anydesk", "teamviewer", "rustdesk", "rudesktop", "hoptodesk", "airdroid"):
            if f"/{tool}" in low:
                return tool.capitalize() if tool != "teamviewer" else "TeamViewer"
    return None


def tool_package(query: str) -> str | None:
    """The remote-access tool whose Android package a store or intent link names (id=, package=)."""
    if "id=" not in query and "package=" not in query:
        return None
    apps = links().tool_apps
    for key, value in parse_qsl(query[:2000]):
        if key in ("id", "package") and value in apps:
            return apps[value]
    return None


def download_ext(path: str) -> tuple[str, str] | None:
    """("app" | "archive", extension) when the path's last segment is a file of that type."""
    segment = path.rsplit("/", 1)[-1]
    if "." not in segment or len(segment) > 255:
        return None
    ext = segment.rsplit(".", 1)[-1].lower()
    data = links()
    if ext in data.app_ext:
        return "app", ext
    if ext in data.archive_ext:
        return "archive", ext
    return None


def is_tg_login(scheme: str, name: str, path: str, opaque: str) -> bool:
    """Telegram device login (``tg://login?token=...``): scanning it signs the sender in as you."""
    if scheme == "tg":
        body = (name + path + opaque).lstrip("/").lower()
        return body.startswith("login")
    return name in ("t.me", "telegram.me") and path.lower().startswith("/login")


def whatsapp_prefilled(scheme: str, name: str, path: str, query: str) -> str | None:
    """The phone number of a WhatsApp link that opens a chat with a prepared message."""
    if not ("text=" in query and (scheme == "whatsapp" or name in ("wa.me", "api.whatsapp.com"))):
        return None
    pairs = dict(parse_qsl(query[:4000]))
    phone = pairs.get("phone") or path.strip("/").split("/", 1)[0]
    return "".join(c for c in phone if c.isdigit() or c == "+")[:20] or "?"


# Payment deep links: (host or scheme, path prefix, what it opens).
_PAYMENTS: tuple[tuple[str, str, str], ...] = (
    ("kaspi.kz", "/pay", "Kaspi"), ("pay.kaspi.kz", "", "Kaspi"), ("qr.nspk.ru", "", "SBP"),
    ("app.tonkeeper.com", "/transfer", "Tonkeeper"), ("link.trustwallet.com", "/send", "Trust Wallet"),
)
CRYPTO_SCHEMES = frozenset({"bitcoin", "ethereum", "ton", "litecoin", "usdt", "tron"})
CRYPTO_APPS = frozenset({"Tonkeeper", "Trust Wallet"} | {s.capitalize() for s in CRYPTO_SCHEMES})


def payment_app(scheme: str, name: str, path: str) -> str | None:
    """Which payment app or coin the link opens a transfer in, if it is a payment link."""
    if scheme in CRYPTO_SCHEMES:
        return scheme.capitalize()
    for host, prefix, app in _PAYMENTS:
        if name == host and path.lower().startswith(prefix):
            return app
    return None
