"""kzscam on Apache Spark: add verdicts to a DataFrame without collecting it (`pip install kzscam[spark]`).

    from kzscam import spark as kzspark
    checked = kzspark.check_text(df, "text", lang="ru")        # df's columns + the result columns
    kzspark.write_verdicts(checked, "verdicts/")               # Parquet by verdict, no sort

Each function returns the input columns plus `verdict`, `score`, `rule_ids` (array<string>),
`findings` (the RESULT's findings as a JSON string), `urls`, `phones` (array<string>), `error`
(why a row could not be checked: a null, an oversized row, an unreadable image) and `details`
(the RESULT's other fields as JSON, e.g. check_url's `imitates` or scan_qr's `codes`; null when
there are none). Rows travel as Arrow batches (`mapInArrow`); the engine is built once per Python
worker process. The configuration is pickled into the job: executors never read a config file,
`KZSCAM_*` variables or a rules directory of their own. See docs/spark.md.

Importing `kzscam` or its command line never imports this module (nor pyspark).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from kzscam.config import Config
from kzscam.i18n import LANGS
from kzscam.spark.job import write_verdicts
from kzscam.spark.rows import RESULT_COLUMNS, RESULT_DDL, Job, check_batches, pack_rules

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

__all__ = ["RESULT_COLUMNS", "RESULT_DDL", "Counters", "check_text", "check_url", "scan_qr",
           "write_verdicts"]


@dataclass(frozen=True)
class Counters:
    """Spark accumulators a job adds to as it checks rows; read their `.value` after an action.

    `engines` counts engines built (one per Python worker process and configuration), `batches`
    the Arrow batches seen. As with any accumulator updated in a transformation, a task that Spark
    retries is counted again.
    """

    rows: Any
    errors: Any
    batches: Any
    engines: Any

    @classmethod
    def create(cls, spark: SparkSession) -> Counters:
        sc = spark.sparkContext
        return cls(sc.accumulator(0), sc.accumulator(0), sc.accumulator(0), sc.accumulator(0))


def _choose_lang(lang: str | None, config: Config) -> str:
    """As `kzscam.api`: `lang`, else `config.lang`, else English (never the executor's locale)."""
    chosen = (lang or config.lang or "en").lower()
    if chosen not in LANGS:
        raise ValueError(f"unknown language {lang!r} (use one of {', '.join(LANGS)})")
    return chosen


def _check_column(df: DataFrame, column: str, allowed: tuple[str, ...], role: str) -> None:
    from pyspark.sql.types import BinaryType, StringType

    types = {"string": StringType, "binary": BinaryType}
    fields = {f.name: f for f in df.schema.fields}
    if column not in fields:
        raise ValueError(f"no column {column!r} for the {role} (columns: {', '.join(fields) or 'none'})")
    if not any(isinstance(fields[column].dataType, types[t]) for t in allowed):
        raise ValueError(f"column {column!r} is {fields[column].dataType.simpleString()}; "
                         f"the {role} must be {' or '.join(allowed)}")


def _apply(df: DataFrame, kind: str, columns: tuple[str, ...], lang: str | None,
           config: Config | None, counters: Counters | None) -> DataFrame:
    from pyspark.sql.types import ArrayType, IntegerType, StringType, StructField, StructType

    config = config or Config()
    clash = sorted(set(df.columns) & set(RESULT_COLUMNS))
    if clash:
        raise ValueError(f"the DataFrame already has column(s) {', '.join(clash)}; rename them "
                         "first (kzscam adds " + ", ".join(RESULT_COLUMNS) + ")")
    rules = None
    if config.rules_dir is not None:
        rules = pack_rules(config.rules_dir)
    job = Job(kind=kind, columns=columns, lang=_choose_lang(lang, config), config=config,
              rules=rules, counters=counters)
    # RESULT_DDL spelled out (StructType.fromDDL needs Spark 4; this works from 3.5 on).
    types = {"verdict": StringType(), "score": IntegerType(), "rule_ids": ArrayType(StringType()),
             "urls": ArrayType(StringType()), "phones": ArrayType(StringType())}
    added = [StructField(name, types.get(name, StringType())) for name in RESULT_COLUMNS]
    schema = StructType(df.schema.fields + added)
    return df.mapInArrow(partial(check_batches, job=job), schema)


def check_text(df: DataFrame, column: str = "text", *, lang: str | None = None,
               config: Config | None = None, counters: Counters | None = None) -> DataFrame:
    """Check each row's message as `kzscam check-text` does; a null or oversized row is an error row.

    `column` is a string (or binary: bytes that are not UTF-8 become U+FFFD, as in the CLI)
    column. A row over `config.max_line_bytes` (1 MiB) gets the error `check-text --jsonl-field`
    gives such a line.
    """
    _check_column(df, column, ("string", "binary"), "message text")
    return _apply(df, "text", (column,), lang, config, counters)


def check_url(df: DataFrame, column: str = "url", *, lang: str | None = None,
              config: Config | None = None, counters: Counters | None = None) -> DataFrame:
    """Check each row's link as `kzscam check-url` does; `details` holds what the link imitates."""
    _check_column(df, column, ("string", "binary"), "link")
    return _apply(df, "url", (column,), lang, config, counters)


def scan_qr(df: DataFrame, *, path: str = "path", content: str = "content", lang: str | None = None,
            config: Config | None = None, counters: Counters | None = None) -> DataFrame:
    """Decode and judge the QR codes in each image, as `kzscam scan-qr` does.

    Made for `spark.read.format("binaryFile")` (columns path, modificationTime, length, content);
    `details` holds the `codes` (each decoded code's payload and findings). An image that cannot
    be decoded is an error row.
    """
    _check_column(df, path, ("string",), "image path")
    _check_column(df, content, ("binary",), "image content")
    return _apply(df, "qr", (path, content), lang, config, counters)
