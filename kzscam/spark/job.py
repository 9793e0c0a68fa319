"""`kzscam-spark` / `python -m kzscam.spark`: check a message archive on Spark, write verdicts as Parquet.

    spark-submit --py-files kzscam.whl -m kzscam.spark archive/ --output verdicts/ --lang ru
    kzscam-spark sms.jsonl --output verdicts/ --master 'local[*]'          # one machine

Reads Parquet, JSONL or CSV (or an image folder with `--kind qr`), writes Parquet partitioned by
verdict, prints a summary (rows per verdict, errors, top rules), and exits with kzscam's codes:
0 nothing at or above --fail-on, 1 something is, 2 bad options or configuration, 3 some rows could
not be checked (a null, an oversized row, a broken image) or the input could not be read.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from kzscam.exitcodes import ExitCode, exit_code
from kzscam.model import Verdict

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

FORMATS = ("auto", "parquet", "jsonl", "csv")
_DEFAULT_COLUMN = {"text": "text", "url": "url", "qr": "content"}


class JobError(Exception):
    """A problem that ends the job before any row is checked; `code` is its exit code."""

    def __init__(self, message: str, code: ExitCode) -> None:
        super().__init__(message)
        self.code = code


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="kzscam-spark", description=__doc__.splitlines()[0])
    p.add_argument("inputs", nargs="+", help="input files or folders (Parquet, JSONL, CSV, images)")
    p.add_argument("--output", "-o", required=True, help="folder for the Parquet output")
    p.add_argument("--kind", choices=("text", "url", "qr"), default="text",
                   help="what each row is: message text (default), a link, or an image file")
    p.add_argument("--column", help="column to check (default: text, url; unused with --kind qr)")
    p.add_argument("--input-format", choices=FORMATS, default="auto",
                   help="auto: from the first input's extension (.parquet, .jsonl/.json, .csv)")
    p.add_argument("--lang", "-l", help="advisory language: kk, ru or en (default: config, en)")
    p.add_argument("--config", type=Path,
                   help="kzscam config file, read here and shipped with the job (executors read none)")
    p.add_argument("--fail-on", help="exit 1 when any row is at or above: caution, suspicious "
                   "(default, or the config's fail_on), dangerous")
    p.add_argument("--master", help="Spark master when not run by spark-submit (default local[*])")
    p.add_argument("--java-options", metavar="FLAGS",
                   help="JVM flags for the job's own local Spark (default: "
                   f"{LOCAL_JAVA_OPTIONS!r}; '' for the JVM's defaults); unused under spark-submit")
    p.add_argument("--overwrite", action="store_true", help="replace an existing output folder")
    p.add_argument("--top", type=int, default=10, help="rules listed in the summary (default 10)")
    p.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    return p


def _format(inputs: Sequence[str], chosen: str) -> str:
    if chosen != "auto":
        return chosen
    first = inputs[0].rstrip("/").lower()
    for suffix, name in ((".parquet", "parquet"), (".jsonl", "jsonl"), (".ndjson", "jsonl"),
                         (".json", "jsonl"), (".csv", "csv")):
        if first.endswith(suffix):
            return name
    if Path(inputs[0]).is_dir():
        return "parquet"  # a folder without a suffix: what Spark jobs usually leave behind
    raise JobError(f"{inputs[0]}: cannot tell the format from the name; give --input-format",
                   ExitCode.USAGE)


def read_input(spark: SparkSession, inputs: Sequence[str], fmt: str, kind: str) -> DataFrame:
    """The input as a DataFrame; a path Spark cannot read is an input error (exit 3)."""
    from pyspark.errors import AnalysisException

    try:
        if kind == "qr":
            from pyspark.sql import functions as F

            from kzscam.qr.loader import IMAGE_SUFFIXES

            # Images only, by suffix, as `scan-qr` walks a folder (notes and metadata are skipped).
            pattern = r"\.(" + "|".join(sorted(s.lstrip(".") for s in IMAGE_SUFFIXES)) + ")$"
            return (spark.read.format("binaryFile").option("recursiveFileLookup", "true")
                    .load(list(inputs)).where(F.lower(F.col("path")).rlike(pattern)))
        if fmt == "parquet":
            return spark.read.parquet(*inputs)
        if fmt == "csv":
            # multiLine: a quoted message may span lines, as in any spreadsheet export.
            return spark.read.csv(list(inputs), header=True, multiLine=True, escape='"')
        return spark.read.json(list(inputs))
    except AnalysisException as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise JobError(f"cannot read input: {first}", ExitCode.INPUT_ERROR) from None


# JVM flags for the job's own local Spark, where the JVM shares the machine's cores with the Python
# workers that do the checking: C1 only (C2 spends seconds of CPU compiling Spark's hot paths,
# which a local run of a few million short rows does not earn back) and the serial collector
# (G1's concurrent threads cost more than a heap of short-lived batches needs). The measurements
# are in docs/spark.md, "Where a local run's CPU goes". spark-submit and clusters start their own
# JVMs: there these are never applied.
LOCAL_JAVA_OPTIONS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"


def session(master: str | None = None, java_options: str | None = None) -> SparkSession:
    """The job's session: spark-submit's when it started us, else a local Spark of our own.

    `java_options` (default `LOCAL_JAVA_OPTIONS`, "" for the JVM's own defaults) applies only
    when this call starts the JVM: a local master without spark-submit.
    """
    from pyspark.sql import SparkSession

    # No console progress bars: stderr is for kzscam's one-line problems.
    builder = SparkSession.builder.appName("kzscam").config("spark.ui.showConsoleProgress", "false")
    # spark-submit (and notebook platforms) start the JVM first and hand Python its gateway:
    # their master and settings then stand, unless --master is given.
    submitted = "PYSPARK_GATEWAY_PORT" in os.environ
    if master or not submitted:
        chosen = master or "local[*]"
        builder = builder.master(chosen)
        if chosen.startswith("local"):
            # Local workers must be this interpreter (with kzscam installed), not whatever python3 is.
            os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
            options = LOCAL_JAVA_OPTIONS if java_options is None else java_options
            if options.strip() and not submitted:
                builder = builder.config("spark.driver.extraJavaOptions", options)
    return builder.getOrCreate()


# One open Parquet file per verdict and task instead of a sort of every task's rows by verdict
# before writing, which Spark otherwise plans for `partitionBy` (the sort is JVM CPU and memory
# beside the Python workers, for only four partition values). Spark falls back to sorting once the
# open writers reach the limit, hence one more than there are verdicts.
_WRITERS_KEY = "spark.sql.maxConcurrentOutputFileWriters"
_WRITERS = len(Verdict) + 1


def write_verdicts(checked: DataFrame, output: str, overwrite: bool = False) -> None:
    """Write checked rows as Parquet partitioned by verdict, without sorting them first.

    Raises pyspark's AnalysisException when `output` exists and `overwrite` is false.
    """
    conf = checked.sparkSession.conf
    before = conf.get(_WRITERS_KEY, None)
    if int(before or 0) < _WRITERS:
        conf.set(_WRITERS_KEY, str(_WRITERS))
    try:
        (checked.write.partitionBy("verdict").mode("overwrite" if overwrite else "error")
         .parquet(output))
    finally:
        if before is None:
            conf.unset(_WRITERS_KEY)
        else:
            conf.set(_WRITERS_KEY, before)


def summarise(spark: SparkSession, output: str, fail_on: Verdict, top: int) -> dict[str, Any]:
    """Counts from the written Parquet (read back, so the job's rows are checked only once)."""
    from pyspark.sql import functions as F

    written = spark.read.parquet(output)
    verdicts = {r["verdict"]: r["count"] for r in written.groupBy("verdict").count().collect()}
    errors = written.where(F.col("error").isNotNull()).count()
    rules = (written.select(F.explode("rule_ids").alias("rule_id")).groupBy("rule_id").count()
             .orderBy(F.desc("count"), "rule_id").limit(max(top, 0)).collect())
    flagged = sum(n for v, n in verdicts.items() if Verdict.parse(v) >= fail_on)
    return {
        "output": output,
        "rows": sum(verdicts.values()),
        "verdicts": {v.label: verdicts.get(v.label, 0) for v in Verdict},
        "errors": errors,
        "fail_on": fail_on.label,
        "at_or_above_fail_on": flagged,
        "top_rules": [{"rule_id": r["rule_id"], "rows": r["count"]} for r in rules],
    }


ERRORS_SHOWN = 10


def report_errors(spark: SparkSession, output: str, column: str, total: int) -> None:
    """One stderr line per unreadable row, as the CLI gives per input: the first few, then a count.

    A row is named by its `id` column when there is one, else by the checked value (cut short).
    """
    from pyspark.sql import functions as F

    from kzscam.output.safe import clean

    if not total:
        return
    written = spark.read.parquet(output)
    key = "id" if "id" in written.columns else column if column in written.columns else None
    picked = [F.col("error")] + ([F.col(key).cast("string").alias("key")] if key else [])
    for row in written.where(F.col("error").isNotNull()).select(*picked).limit(ERRORS_SHOWN).collect():
        name = f"{key} {row['key']!r}" if key and row["key"] is not None else "a row"
        sys.stderr.write(f"kzscam-spark: {clean(name, one_line=True, limit=80)}: "
                         f"{clean(row['error'], one_line=True)}\n")
    if total > ERRORS_SHOWN:
        sys.stderr.write(f"kzscam-spark: ... and {total - ERRORS_SHOWN:,} more rows with an error "
                         "(the `error` column)\n")


def print_summary(summary: dict[str, Any], out: TextIO, as_json: bool) -> None:
    if as_json:
        out.write(json.dumps(summary, ensure_ascii=False) + "\n")
        return
    out.write(f"kzscam-spark: {summary['rows']:,} rows checked -> {summary['output']} "
              "(Parquet, partitioned by verdict)\n")
    for label, n in summary["verdicts"].items():
        out.write(f"  {label:<11}{n:>12,}\n")
    out.write(f"  {'errors':<11}{summary['errors']:>12,}\n")
    out.write(f"  at or above {summary['fail_on']}: {summary['at_or_above_fail_on']:,}\n")
    if summary["top_rules"]:
        out.write("top rules:\n")
        for r in summary["top_rules"]:
            out.write(f"  {r['rule_id']:<16}{r['rows']:>12,}\n")


def run(argv: Sequence[str], spark: SparkSession | None = None, out: TextIO | None = None) -> int:
    """The job; with `spark` given it runs in that session (tests share one)."""
    from kzscam import spark as kzspark
    from kzscam.config import ConfigError, load_config

    out = out or sys.stdout
    args = _parser().parse_args(list(argv))
    try:
        try:
            config = load_config(args.config)
        except ConfigError as exc:
            raise JobError(str(exc), ExitCode.USAGE) from None
        try:
            fail_on = Verdict.parse(args.fail_on) if args.fail_on else config.fail_on
        except ValueError as exc:
            raise JobError(f"--fail-on: {exc}", ExitCode.USAGE) from None
        fmt = _format(args.inputs, args.input_format)
        if spark is None:
            spark = session(args.master, args.java_options)
            spark.sparkContext.setLogLevel("ERROR")
        df = read_input(spark, args.inputs, fmt, args.kind)
        column = args.column or _DEFAULT_COLUMN[args.kind]
        try:
            if args.kind == "qr":
                checked = kzspark.scan_qr(df, lang=args.lang, config=config).drop("content")
            elif args.kind == "url":
                checked = kzspark.check_url(df, column, lang=args.lang, config=config)
            else:
                checked = kzspark.check_text(df, column, lang=args.lang, config=config)
        except ValueError as exc:
            raise JobError(str(exc), ExitCode.USAGE) from None
        from pyspark.errors import AnalysisException

        try:
            write_verdicts(checked, args.output, args.overwrite)
        except AnalysisException as exc:
            first = str(exc).strip().splitlines()[0]
            raise JobError(f"{args.output}: {first} (use --overwrite to replace it)",
                           ExitCode.USAGE) from None
        summary = summarise(spark, args.output, fail_on, args.top)
        report_errors(spark, args.output, "path" if args.kind == "qr" else column, summary["errors"])
    except JobError as exc:
        from kzscam.output.safe import clean

        sys.stderr.write(f"kzscam-spark: {clean(str(exc), one_line=True)}\n")
        return int(exc.code)
    print_summary(summary, out, args.json)
    out.flush()
    return int(exit_code(flagged=summary["at_or_above_fail_on"] > 0, unreadable=summary["errors"] > 0))


def main() -> None:
    """Console entry point `kzscam-spark`."""
    raise SystemExit(run(sys.argv[1:]))


if __name__ == "__main__":  # `spark-submit .../kzscam/spark/job.py ...` (spark-submit takes a file)
    main()
