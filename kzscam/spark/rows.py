"""The executor side of `kzscam.spark`: Arrow record batches in, the same batches plus verdicts out.

Runs inside Spark's Python workers and needs only pyarrow (no Spark import), so the same
functions can be fed plain `pyarrow.RecordBatch` iterators. Each row becomes one `Report` from
`kzscam.api` and then the RESULT dict of the JSONL contract (`kzscam.output.jsonout.result_dict`),
so a row gets exactly what `kzscam check-text -f jsonl` prints for the same text.

The engine is built once per Python worker process: `kzscam.engine.get_engine` keeps one engine
per configuration for the life of the process, Spark reuses its Python workers across tasks
(`spark.python.worker.reuse`, on by default), and `warm()` builds it before the first row of the
first batch. A rules directory travels inside the job (`Job.rules`) and is written once per
process to a private temporary folder: executors never read the submitting user's files.
"""

from __future__ import annotations

import hashlib
import tempfile
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pyarrow as pa

from kzscam.config import Config
from kzscam.model import Report, Verdict

KINDS = ("text", "url", "qr")

# The columns every function adds, in order, as Spark DDL and as Arrow types.
RESULT_DDL = ("verdict string, score int, rule_ids array<string>, findings string, "
              "urls array<string>, phones array<string>, error string, details string")
RESULT_COLUMNS = ("verdict", "score", "rule_ids", "findings", "urls", "phones", "error", "details")
_ARROW_TYPES = (pa.string(), pa.int32(), pa.list_(pa.string()), pa.string(),
                pa.list_(pa.string()), pa.list_(pa.string()), pa.string(), pa.string())
# RESULT keys that have their own column; anything else a command adds goes to `details`.
_OWN_KEYS = frozenset({"input", "verdict", "score", "findings", "urls", "phones", "error"})


@dataclass(frozen=True)
class Job:
    """Everything an executor needs, pickled with the task: nothing is read from its machine.

    `rules` holds the text of each `*.toml` file of `config.rules_dir` as read on the driver;
    `counters` are optional Spark accumulators (rows, errors, batches, engines), added to as
    rows are checked.
    """

    kind: str
    columns: tuple[str, ...]
    lang: str
    config: Config
    rules: tuple[tuple[str, str], ...] | None = None
    counters: Any = None


_LOCK = threading.Lock()
_WARMED: dict[tuple[Config, tuple[tuple[str, str], ...] | None], Config] = {}
_RULE_DIRS: dict[str, Path] = {}


def pack_rules(rules_dir: Path) -> tuple[tuple[str, str], ...]:
    """Read a rules directory on the driver, so the job carries it (same files `load_catalog` reads)."""
    if not rules_dir.is_dir():
        raise ValueError(f"{rules_dir}: rules directory not found")
    return tuple((p.name, p.read_text(encoding="utf-8")) for p in sorted(rules_dir.glob("*.toml")))


def _unpack_rules(rules: tuple[tuple[str, str], ...]) -> Path:
    """The shipped rule files in a private folder of this process, written once per content."""
    key = hashlib.sha256(repr(rules).encode("utf-8", "surrogatepass")).hexdigest()[:16]
    found = _RULE_DIRS.get(key)
    if found is None:
        found = Path(tempfile.mkdtemp(prefix=f"kzscam-rules-{key}-"))
        for name, text in rules:
            (found / Path(name).name).write_text(text, encoding="utf-8")
        _RULE_DIRS[key] = found
    return found


def warm(job: Job) -> Config:
    """The job's effective config, with its engine built: once per process, never per batch."""
    key = (job.config, job.rules)  # not the Job: its counters are new objects in every task
    config = _WARMED.get(key)
    if config is not None:
        return config
    with _LOCK:
        config = _WARMED.get(key)
        if config is None:
            from kzscam.engine import get_engine

            config = job.config
            if job.rules is not None:
                config = replace(config, rules_dir=_unpack_rules(job.rules))
            get_engine(config)
            _WARMED[key] = config
            _count(job, "engines", 1)
    return config


def _count(job: Job, name: str, n: int) -> None:
    if job.counters is not None and n:
        getattr(job.counters, name).add(n)


def decode(column: pa.Array | pa.ChunkedArray) -> list[str | None]:
    """A string or binary column as Python text; bytes that are not UTF-8 become lone surrogates.

    Spark keeps whatever bytes a text or CSV file held; `kzscam.api` turns each surrogate into
    U+FFFD, exactly as the command line does with a file's invalid bytes.
    """
    if pa.types.is_string(column.type):
        column = column.cast(pa.binary())
    elif pa.types.is_large_string(column.type):
        column = column.cast(pa.large_binary())
    return [None if v is None else v.decode("utf-8", "surrogateescape") for v in column.to_pylist()]


def _error(problem: str) -> Report:
    return Report(input="row", verdict=Verdict.CAUTION, score=0, error=problem)


def _too_long(value: str, config: Config) -> str | None:
    from kzscam.text.inputs import line_too_long, over_limit

    return line_too_long(config.max_line_bytes) if over_limit(value, config.max_line_bytes) else None


def check_row(job: Job, config: Config, values: tuple[Any, ...]) -> Report:
    """One row -> one Report; never raises (a failure is that row's `error`)."""
    from kzscam import api

    try:
        if job.kind == "qr":
            path, content = values
            name = "row" if path is None else str(path)
            if content is None:
                return _error(f"column {job.columns[1]!r} is null")
            return _scan_bytes(name, bytes(content), job.lang, config)
        (value,) = values
        if value is None:
            return _error(f"column {job.columns[0]!r} is null")
        problem = _too_long(value, config)
        if problem is not None:
            return _error(problem)
        if job.kind == "url":
            return _check_link(value, job.lang, config)
        return api.check_text(value, lang=job.lang, config=config)
    except Exception as exc:  # one bad row must never fail the job; the row says what happened
        return _error(f"not checked: {type(exc).__name__}: {exc}")


def _check_link(given: str, lang: str, config: Config) -> Report:
    """A link as `kzscam check-url` takes a pasted line: quotes, brackets and defanging removed."""
    from kzscam import api
    from kzscam.details import extend
    from kzscam.text.extract import undefang
    from kzscam.url.parse import unwrap, url_problem

    given = given.strip()
    link = undefang(unwrap(given))
    scheme, sep, rest = link.partition("://")
    if sep and scheme.isascii() and scheme.isalpha():
        link = scheme.lower() + sep + rest
    problem = url_problem(link)
    if problem is not None:
        return _error(problem)
    report = api.check_url(link, lang=lang, config=config)
    if link == given:
        return report
    shown = given if len(given) <= 300 else given[:300] + "…"  # as check-url names a long link
    return replace(report, details=extend(report.details, given=shown))


def _scan_bytes(name: str, data: bytes, lang: str, config: Config) -> Report:
    """`kzscam.api.scan_qr` for bytes already in memory (Spark's binaryFile `content`)."""
    from kzscam import api
    from kzscam.qr.loader import Source

    return api.scan_image(Source(name, data=data), lang=lang, config=config).report


def _rule_ids(result: dict[str, Any], parts_key: str) -> list[str]:
    """Rule ids of the report's findings, then of its parts' (QR codes), each once, in order."""
    seen: dict[str, None] = {}
    stack = [result]
    while stack:
        item = stack.pop(0)
        for finding in item.get("findings", ()):
            seen.setdefault(finding["rule_id"], None)
        stack.extend(p for p in item.get(parts_key, ()) if isinstance(p, dict))
    return list(seen)


def result_row(report: Report) -> tuple[Any, ...]:
    """The added columns for one Report, from its RESULT dict (the JSONL contract)."""
    from kzscam.output.jsonout import dumps, result_dict

    result = result_dict(report)
    extra = {k: v for k, v in result.items() if k not in _OWN_KEYS}
    return (result["verdict"], result["score"], _rule_ids(result, report.parts_key),
            dumps(result["findings"]), result["urls"], result["phones"], result["error"],
            dumps(extra) if extra else None)


def output_schema(schema: pa.Schema) -> pa.Schema:
    """The input batch's schema plus the result columns."""
    for name, kind in zip(RESULT_COLUMNS, _ARROW_TYPES, strict=True):
        schema = schema.append(pa.field(name, kind))
    return schema


def check_batches(batches: Iterable[pa.RecordBatch], job: Job) -> Iterator[pa.RecordBatch]:
    """The mapInArrow function: every input column kept, the result columns appended."""
    config = warm(job)
    for batch in batches:
        # Text and link columns (and an image's path) are decoded; image content stays bytes.
        inputs = [batch.column(c).to_pylist() if job.kind == "qr" and i == 1 else
                  decode(batch.column(c)) for i, c in enumerate(job.columns)]
        rows = [result_row(check_row(job, config, values)) for values in zip(*inputs, strict=True)]
        added = [pa.array([r[i] for r in rows], type=kind) for i, kind in enumerate(_ARROW_TYPES)]
        _count(job, "batches", 1)
        _count(job, "rows", len(rows))
        _count(job, "errors", sum(r[6] is not None for r in rows))
        yield pa.RecordBatch.from_arrays([*batch.columns, *added], schema=output_schema(batch.schema))

