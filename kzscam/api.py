"""The Python API: the same checks and the same `Report` objects as the command line.

    >>> from kzscam import api
    >>> report = api.check_text("Назовите код из SMS, это служба поддержки", lang="ru")
    >>> report.verdict.label, [f.rule_id for f in report.findings]

Every function is a thin wrapper that imports its machinery on first use (importing this module
costs nothing), builds the rules once per process and configuration (`kzscam.engine.get_engine`
caches them under a lock), and is safe to call from many threads at once: after construction
all shared state is read-only. `config` defaults to the built-in defaults, NOT the user's config
file (a library must not change behaviour with the machine it runs on); pass
`kzscam.config.load_config()` to get the command line's layering. `lang` is kk, ru or en (else
`config.lang`, else English). Unreadable inputs give a Report whose `error` says why, exactly as
the CLI prints them; nothing here raises on bad input except on invalid arguments. Any `str` is
accepted: lone surrogates (from `surrogateescape` decoding or JSON `\\ud800` escapes) become
U+FFFD, as the command line makes them, so reports always encode as UTF-8.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import IO, TYPE_CHECKING

from kzscam.config import Config
from kzscam.i18n import LANGS
from kzscam.model import Report, Verdict

if TYPE_CHECKING:
    from kzscam.pipeline.qr import ImageScan
    from kzscam.qr.loader import Limits, Source
    from kzscam.qr.pipeline import ScanOptions

__all__ = ["audit_host", "check_chat", "check_many", "check_screenshot", "check_text",
           "check_url", "scan_payload", "scan_qr"]


def _setup(lang: str | None, config: Config | None) -> tuple[str, Config]:
    config = config or Config()
    chosen = (lang or config.lang or "en").lower()
    if chosen not in LANGS:
        raise ValueError(f"unknown language {lang!r} (use one of {', '.join(LANGS)})")
    return chosen, config


def _error(name: str, problem: str) -> Report:
    return Report(input=name, verdict=Verdict.CAUTION, score=0, error=problem)


def _clean(text: str) -> str:
    """Lone surrogates -> U+FFFD, as the CLI does with arguments, files and JSON lines."""
    from kzscam.text.inputs import clean_surrogates

    return clean_surrogates(text)


def check_text(text: str, *, lang: str | None = None, config: Config | None = None,
               name: str = "message") -> Report:
    """Check one message: text rules, links (URL inspector), phones, cards; like `check-text`."""
    from kzscam.engine import get_engine
    from kzscam.pipeline.text import check_text as pipeline

    chosen, config = _setup(lang, config)
    return pipeline(get_engine(config), _clean(text), name=_clean(name), lang=chosen)


def _check_one(item: tuple[str, str, Config]) -> Report:
    text, lang, config = item
    return check_text(text, lang=lang, config=config)


def _not_checked(item: tuple[str, str, Config]) -> Report:
    # A message whose worker process died on both tries: an error Report, never an exception.
    return _error("message", "not checked: its worker process ended unexpectedly twice")


def check_many(texts: Iterable[str], *, lang: str | None = None, config: Config | None = None,
               jobs: int = 1) -> Iterator[Report]:
    """Check many messages lazily, in input order; ``jobs > 1`` uses worker processes.

    Memory stays constant however long `texts` is (see `kzscam.batch.ordered_map`). A worker
    process that dies is replaced and its messages checked again; messages lost twice get a
    Report with `error` set.
    """
    from kzscam.batch import ordered_map

    chosen, config = _setup(lang, config)
    return ordered_map(_check_one, ((t, chosen, config) for t in texts), jobs, progress=False,
                       on_lost=_not_checked)


def check_url(url: str, *, lang: str | None = None, config: Config | None = None,
              name: str | None = None) -> Report:
    """Check one link: which brand it imitates, look-alike letters, shorteners, downloads.

    The report is named `name`, else the link as displayed (invisible characters made visible).
    """
    from kzscam.pipeline.url import url_report
    from kzscam.url.display import visible

    chosen, config = _setup(lang, config)
    url = _clean(url)
    return url_report(url, name=visible(url) if name is None else _clean(name), lang=chosen,
                      config=config)


def scan_qr(path: str | Path, *, lang: str | None = None, config: Config | None = None) -> Report:
    """Decode every QR code in an image; each code is a part (``parts_key == "codes"``).

    Animations are sampled as `kzscam scan-qr` samples them; one without a code whose frames were
    not all scanned is never "safe".
    """
    from kzscam.qr.loader import Source

    chosen, config = _setup(lang, config)
    return scan_image(Source(str(path), path=Path(path)), lang=chosen, config=config).report


def scan_image(source: Source, *, lang: str | None = None, config: Config | None = None,
               limits: Limits | None = None, options: ScanOptions | None = None) -> ImageScan:
    """`scan_qr` for a loader `Source`, also returning the decoded image (for `--annotate`)."""
    from kzscam.pipeline.qr import scan_image as pipeline

    chosen, config = _setup(lang, config)
    return pipeline(source, config, chosen, limits, options)


def scan_payload(payload: str, *, lang: str | None = None, config: Config | None = None,
                 name: str = "payload") -> Report:
    """Judge a decoded QR payload string as `scan-qr --payload` does."""
    from kzscam.engine import get_engine
    from kzscam.qr.analyze import payload_report

    chosen, config = _setup(lang, config)
    return payload_report(_clean(payload), get_engine(config), config, chosen, name=_clean(name))


def check_screenshot(path: str | Path, *, lang: str | None = None,
                     config: Config | None = None, qr: bool = True) -> Report:
    """OCR a screenshot (Tesseract, kaz+rus+eng) and check the recognised text.

    The report's `text` is the recognised text and evidence offsets index it. With `qr`, QR codes
    in the same picture are decoded too (one fast pass, no retries) and become the parts
    (``parts_key == "codes"``), judged as `scan_qr` judges them.
    """
    from kzscam.ocr import OcrError, ocr_image

    chosen, config = _setup(lang, config)
    name = str(path)
    try:
        text = ocr_image(Path(path))
    except OcrError as exc:
        return _error(name, str(exc))
    codes = _screenshot_codes(Path(path), chosen, config) if qr else None
    if not text.strip():
        if codes is not None and codes.parts:
            return codes
        return _error(name, "no text recognised in the image")
    report = check_text(text, lang=chosen, config=config, name=name)
    if codes is not None and codes.parts:
        report = replace(report, parts=codes.parts, parts_key="codes")
    return report


def _screenshot_codes(path: Path, lang: str, config: Config) -> Report | None:
    from kzscam.qr.loader import Source
    from kzscam.qr.pipeline import ScanOptions

    scanned = scan_image(Source(str(path), path=path), lang=lang, config=config,
                         options=ScanOptions(retries=False))
    # The OCR already read this image; a QR-only failure is not worth an error.
    return None if scanned.report.error is not None else scanned.report


def check_chat(path: str | Path, *, lang: str | None = None, config: Config | None = None,
               jobs: int = 1, all_messages: bool = False, max_bytes: int | None = None,
               stdin: IO[bytes] | None = None) -> Report:
    """Judge a Telegram (result.json) or WhatsApp (.txt/.zip) export as a conversation.

    Flagged messages are the parts (``parts_key == "messages"``); `details["senders"]` ranks
    the senders; chain findings (CHAT-…) are the chat's own findings. `max_bytes` bounds the chat
    text read; with `stdin`, the path ``-`` reads it. An export that cannot be read at all is a
    report with `error` and no `message_count`; one that breaks off midway is judged as far as it
    was read, with `error` set.
    """
    from kzscam.chat.analyse import check_chat as judge
    from kzscam.chat.model import ChatError, Limits

    chosen, config = _setup(lang, config)
    limits = Limits() if max_bytes is None else Limits(max_bytes=max_bytes)
    try:
        return judge(Path(path), config=config, lang=chosen, jobs=jobs,
                     all_messages=all_messages, limits=limits, name=str(path), stdin=stdin)
    except ChatError as exc:
        return _error(str(path), str(exc))


def audit_host(*, root: str | Path | None = None, platform: str | None = None,
               lang: str | None = None, config: Config | None = None, adb: bool = False,
               serial: str | None = None, allow: Iterable[str] = ()) -> Report:
    """Remote-access tools on this computer (`root` None), a mounted disk or file tree, or a phone
    over adb (`adb`, optionally the phone's `serial`).

    Read-only: nothing is stopped or removed. Each tool is a part (``parts_key == "tools"``);
    `allow` adds tool ids the user manages to `config.allow_tools`.
    """
    from kzscam.pipeline.host import audit_host as pipeline

    chosen, config = _setup(lang, config)
    allowed = frozenset(a.strip().lower() for a in allow if a.strip())
    return pipeline(config, chosen, root=None if root is None else Path(root), platform=platform,
                    adb=adb, serial=serial, allow=allowed)
