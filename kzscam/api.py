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

from kzscam.config import Config
from kzscam.i18n import LANGS
from kzscam.model import Report, Verdict

__all__ = ["audit_host", "check_chat", "check_many", "check_screenshot", "check_text",
           "check_url", "scan_qr"]


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

    chosen, config = _setup(lang, config)
    return get_engine(config).check_text(_clean(text), name=_clean(name), lang=chosen)


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


def check_url(url: str, *, lang: str | None = None, config: Config | None = None) -> Report:
    """Check one link: which brand it imitates, look-alike letters, shorteners, downloads."""
    from kzscam.url.display import visible
    from kzscam.url.inspect import url_report

    chosen, config = _setup(lang, config)
    url = _clean(url)
    return url_report(url, name=visible(url), lang=chosen, config=config)


def scan_qr(path: str | Path, *, lang: str | None = None, config: Config | None = None) -> Report:
    """Decode every QR code in an image; each code is a part (``parts_key == "codes"``)."""
    from kzscam.engine import get_engine
    from kzscam.qr.analyze import image_report
    from kzscam.qr.loader import ImageError, Source, load
    from kzscam.qr.pipeline import scan

    chosen, config = _setup(lang, config)
    name = str(path)
    try:
        image = load(Source(name, path=Path(path)))
    except ImageError as exc:
        return _error(name, str(exc))
    result = scan(image)
    return image_report(name, image.size, result.symbols, get_engine(config), config, chosen)


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
    from kzscam.engine import get_engine
    from kzscam.qr.analyze import image_report
    from kzscam.qr.loader import ImageError, Source, load
    from kzscam.qr.pipeline import ScanOptions, scan

    try:
        image = load(Source(str(path), path=path))
    except ImageError:
        return None  # the OCR already read this image; a QR-only failure is not worth an error
    result = scan(image, ScanOptions(retries=False))
    return image_report(str(path), image.size, result.symbols, get_engine(config), config, lang)


def check_chat(path: str | Path, *, lang: str | None = None, config: Config | None = None,
               jobs: int = 1, all_messages: bool = False) -> Report:
    """Judge a Telegram (result.json) or WhatsApp (.txt/.zip) export as a conversation.

    Flagged messages are the parts (``parts_key == "messages"``); `details["senders"]` ranks
    the senders; chain findings (CHAT-…) are the chat's own findings.
    """
    from kzscam.chat.analyse import check_chat as judge
    from kzscam.chat.model import ChatError

    chosen, config = _setup(lang, config)
    try:
        return judge(Path(path), config=config, lang=chosen, jobs=jobs,
                     all_messages=all_messages, name=str(path))
    except ChatError as exc:
        return _error(str(path), str(exc))


def audit_host(*, root: str | Path | None = None, platform: str | None = None,
               lang: str | None = None, config: Config | None = None) -> Report:
    """Remote-access tools on this computer (`root` None) or on a mounted disk or file tree.

    Read-only: nothing is stopped or removed. Each tool is a part (``parts_key == "tools"``).
    """
    from kzscam.engine import get_engine
    from kzscam.host import audit
    from kzscam.host.catalogue import load_catalogue
    from kzscam.host.judge import judge
    from kzscam.host.report import host_report

    chosen, config = _setup(lang, config)
    if root is not None and not Path(root).is_dir():
        return _error(str(root), "not a directory (root takes a mounted disk or a file tree)")
    catalogue = load_catalogue()
    facts = audit.gather(catalogue, None if root is None else str(root), platform)
    return host_report(facts, judge(facts, catalogue, config.allow_tools), get_engine(config),
                       chosen)
