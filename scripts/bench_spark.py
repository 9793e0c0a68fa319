"""Spark benchmark: `kzscam.spark.check_text` on `local[1]` and `local[2]` vs `check-text --lines --jobs 1`.

The same generated messages as the batch benchmark (bench_batch.generate: SMS-sized, a third
scam-like) are checked three ways: the command line in one process (JSONL out), and Spark reading
the file as text, adding verdicts through Arrow batches and writing Parquet, with one and with two
cores. Every row of every run is reduced to a digest of (text, verdict, score, findings, urls,
phones, error) and the digests' sum compared, so the outputs are shown identical row by row
without holding them. Memory of the JVM and of the Python workers is sampled twice a second
(early vs late in the run: flat means no growth with row count).

    python scripts/bench_spark.py [--messages N]     # or `make bench` (SPARK_MESSAGES=N)
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
N_MESSAGES = int(os.environ.get("SPARK_MESSAGES", "1000000"))
SAMPLE_SECONDS = 0.5
COMPARED = ("verdict", "score", "findings", "urls", "phones", "error")
MASK = (1 << 64) - 1

# The Spark side, run in its own process so each master gets its own JVM.
DRIVER = """
import os, sys, time
os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
from pyspark.sql import SparkSession
from kzscam import spark as kzspark
master, source, out = sys.argv[1:4]
spark = (SparkSession.builder.master(master).appName("kzscam-bench")
         .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
         .config("spark.sql.files.maxPartitionBytes", str(8 << 20)).getOrCreate())
spark.sparkContext.setLogLevel("ERROR")
started = time.perf_counter()
df = spark.read.text(source)
kzspark.check_text(df, "value", lang="en").write.mode("overwrite").parquet(out)
print("JOB_SECONDS", time.perf_counter() - started, file=sys.stderr, flush=True)
spark.stop()
"""


@dataclass
class Run:
    """One timed run and what it used."""

    name: str
    cores: int
    seconds: float = 0.0  # wall time of the checking itself (Spark: the job, without JVM start)
    total_seconds: float = 0.0  # wall time of the whole process
    cpu: float = 0.0
    rows: int = 0
    digest: int = 0
    code: int = 0
    jvm: list[int] = field(default_factory=list)
    workers: list[int] = field(default_factory=list)  # RSS of all Python workers together
    largest: list[int] = field(default_factory=list)  # RSS of the largest single worker


def _load_batch_module() -> Any:
    sys.path.insert(0, str(HERE))
    import bench_batch

    return bench_batch


def row_digest(text: str, result: dict[str, Any]) -> int:
    canonical = json.dumps({k: result[k] for k in COMPARED}, sort_keys=True, ensure_ascii=False)
    h = hashlib.blake2b(text.encode("utf-8", "surrogatepass") + b"\0" + canonical.encode(),
                        digest_size=8)
    return int.from_bytes(h.digest(), "big")


def _sample(proc: Any, run: Run, stop: threading.Event) -> None:
    """RSS of the JVM and of the Python workers, and CPU time of every process seen."""
    import psutil

    cpu: dict[int, float] = {}
    while not stop.is_set():
        try:
            procs = [proc, *proc.children(recursive=True)]
        except psutil.Error:
            break
        with contextlib.suppress(psutil.Error):
            cpu[proc.pid] = sum(proc.cpu_times()[:2])
        jvm = workers = largest = 0
        for p in procs[1:]:  # the driver script or the CLI itself is neither
            try:
                name = " ".join(p.cmdline())
                rss = p.memory_info().rss
                times = p.cpu_times()
            except psutil.Error:
                continue
            cpu[p.pid] = times.user + times.system
            if "java" in name:
                jvm += rss
            elif "pyspark.daemon" in name or "pyspark.worker" in name:
                workers += rss
                largest = max(largest, rss)
        if workers:  # from the first batch on: before it there is nothing to compare
            run.jvm.append(jvm)
            run.workers.append(workers)
            run.largest.append(largest)
        run.cpu = sum(cpu.values())
        stop.wait(SAMPLE_SECONDS)


def _timed(cmd: list[str], run: Run, stdout: Any) -> str:
    import psutil

    env = {**os.environ, "KZSCAM_CONFIG": os.devnull, "NO_COLOR": "1", "PYTHONHASHSEED": "0",
           "SPARK_LOCAL_IP": os.environ.get("SPARK_LOCAL_IP", "127.0.0.1")}
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=stdout, stderr=subprocess.PIPE, cwd=ROOT, env=env)
    stop = threading.Event()
    sampler = threading.Thread(target=_sample, args=(psutil.Process(proc.pid), run, stop))
    sampler.start()
    _, err = proc.communicate()
    stop.set()
    sampler.join()
    run.total_seconds = time.perf_counter() - started
    run.code = proc.returncode
    return err.decode("utf-8", "replace")


def cli_run(source: Path, tmp: Path) -> Run:
    run = Run("`kzscam check-text --lines --jobs 1`", 1)
    out = tmp / "cli.jsonl"
    with out.open("wb") as fh:
        _timed([sys.executable, "-m", "kzscam", "check-text", "--lines", "--jobs", "1", "--lang",
                "en", "-f", "jsonl", "--file", str(source)], run, fh)
    run.seconds = run.total_seconds
    with source.open(encoding="utf-8") as texts, out.open(encoding="utf-8") as results:
        for text, line in zip(texts, results, strict=True):
            run.digest = (run.digest + row_digest(text.rstrip("\n"), json.loads(line))) & MASK
            run.rows += 1
    out.unlink()
    return run


def _parquet_rows(folder: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    import pyarrow.parquet as pq

    for part in sorted(folder.glob("*.parquet")):
        for batch in pq.ParquetFile(part).iter_batches(batch_size=20_000):
            for row in batch.to_pylist():
                row["findings"] = json.loads(row["findings"])
                yield row["value"], row


def spark_run(source: Path, tmp: Path, cores: int) -> Run:
    run = Run(f"Spark `local[{cores}]`", cores)
    out = tmp / f"spark{cores}"
    err = _timed([sys.executable, "-c", DRIVER, f"local[{cores}]", str(source), str(out)], run,
                 subprocess.PIPE)
    for line in err.splitlines():
        if line.startswith("JOB_SECONDS"):
            run.seconds = float(line.split()[1])
    if run.code != 0 or not run.seconds:
        raise RuntimeError(f"Spark run failed ({run.code}): {err[-2000:]}")
    for text, row in _parquet_rows(out):
        run.digest = (run.digest + row_digest(text, row)) & MASK
        run.rows += 1
    return run


def _mb(values: list[int], part: str) -> str:
    if not values:
        return "-"
    fifth = max(1, len(values) // 5)
    chosen = values[:fifth] if part == "early" else values[-fifth:]
    return f"{sum(chosen) / len(chosen) / 1e6:.0f} MB"


def run(shared: Path, n: int = N_MESSAGES) -> str:
    """The Markdown section for docs/benchmarks.md (the corpus in `shared` is not needed)."""
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        source = tmp / "messages.txt"
        _load_batch_module().generate(source, n)
        size = source.stat().st_size
        cli = cli_run(source, tmp)
        one = spark_run(source, tmp, 1)
        two = spark_run(source, tmp, 2)
    load_after = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    out = [
        "## Spark: `kzscam.spark.check_text` on `local[1]` and `local[2]`",
        "",
        f"{n:,} generated messages ({size / 1e6:.0f} MB, the batch benchmark's generator), text "
        "file in, Parquet out (Spark) or JSONL out (CLI), advisories in English, on "
        f"{os.cpu_count()} CPU cores; load average {load:.2f} from other work when the runs began "
        f"and {load_after:.2f} when they ended. Spark's time is the job alone (read, check, write); "
        "the JVM start is in the whole-process column. Memory is RSS sampled every "
        f"{SAMPLE_SECONDS} s from the first batch on (early: the first fifth of the samples, late: "
        "the last fifth): the JVM (driver and executor are one process in local mode), the Python "
        "workers together (Spark's daemon and the workers it forks; shared pages count twice) and "
        "the largest single worker.",
        "",
        "| run | cores | wall time | whole process | messages/s | per core | CPU time | "
        "JVM early -> late | Python workers early -> late | largest worker early -> late |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in (cli, one, two):
        rate = r.rows / r.seconds
        out.append(f"| {r.name} | {r.cores} | {r.seconds:.0f} s | {r.total_seconds:.0f} s | "
                   f"{rate:,.0f} | {rate / r.cores:,.0f} | {r.cpu:.0f} s | "
                   f"{_mb(r.jvm, 'early')} -> {_mb(r.jvm, 'late')} | "
                   f"{_mb(r.workers, 'early')} -> {_mb(r.workers, 'late')} | "
                   f"{_mb(r.largest, 'early')} -> {_mb(r.largest, 'late')} |")
    speedup = one.seconds / two.seconds
    per_core = (one.rows / one.seconds) / (cli.rows / cli.seconds)
    busy = [r.cpu / r.seconds for r in (cli, one, two)]
    same = cli.digest == one.digest == two.digest and cli.rows == one.rows == two.rows == n
    out += [
        "",
        f"- `local[2]` vs `local[1]`: **{speedup:.2f}x** (target 1.8x). With other work on the "
        "machine the second core is not free, and the ratio shows it (see the load average).",
        f"- Spark per core vs the CLI's one process: **{per_core:.2f}x** (target 0.7x), by wall "
        "time.",
        f"- CPU time per message: CLI {cli.cpu / n * 1e6:.0f} µs, Spark local[1] "
        f"{one.cpu / n * 1e6:.0f} µs, local[2] {two.cpu / n * 1e6:.0f} µs (JVM and Python workers "
        f"included): by CPU time Spark does **{cli.cpu / one.cpu:.2f}x** the CLI's work per core, "
        f"and `local[2]` used {two.cpu / one.cpu:.2f}x the CPU of `local[1]`, so on two idle "
        f"cores it would run about {2 * one.cpu / two.cpu:.2f}x as fast (an estimate, as in the "
        "batch section).",
        f"- Cores busy (CPU / wall): CLI {busy[0]:.2f}, local[1] {busy[1]:.2f}, local[2] "
        f"{busy[2]:.2f}: below 1 and 2 the runs waited for other work on the machine.",
        f"- Outputs identical row by row (sum of per-row digests of text and RESULT, {n:,} rows "
        f"each): {'yes' if same else 'NO'}; CLI exit code {cli.code}.",
    ]
    return "\n".join(out) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=N_MESSAGES)
    args = parser.parse_args()
    print(run(ROOT.parent / "shared", args.messages))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
