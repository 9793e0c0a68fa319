"""Spark benchmark: the `kzscam-spark` job on `local[1]` and `local[2]` vs `check-text --lines --jobs 1`.

The same generated messages as the batch benchmark (bench_batch.generate: SMS-sized, a third
scam-like) are checked three ways: the command line in one process (JSONL out), and Spark with one
and with two cores, as the `kzscam-spark` job does it: its own session (`kzscam.spark.job.session`,
with kzscam's JVM flags for a local run), `kzscam.spark.check_text` through Arrow batches, and
`write_verdicts` (Parquet partitioned by verdict). Spark reads the text file in 8 equal byte
ranges, so `local[2]` gets 4 tasks per core and no straggler task measures Spark's split sizes
instead of kzscam. Every row of every run is reduced to a digest of (text, verdict, score,
findings, urls, phones, error) and the digests' sum compared, so the outputs are shown identical
row by row without holding them. CPU time is taken from /proc at the start and the end of the job
itself (JVM start excluded), for the JVM and the Python workers separately; memory of both is
sampled twice a second (early vs late in the run: flat means no growth with row count).

    python scripts/bench_spark.py [--messages N] [--java-options FLAGS]   # or `make bench`
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
SPLITS = 8
SAMPLE_SECONDS = 0.5
COMPARED = ("verdict", "score", "findings", "urls", "phones", "error")
MASK = (1 << 64) - 1

# The Spark side, run in its own process so each master gets its own JVM. It reports the job's
# wall time and the CPU time the JVM and the Python workers used during the job alone.
DRIVER = """
import json, sys, time
import psutil
from kzscam import spark as kzspark
from kzscam.spark.job import session, write_verdicts
master, source, out, split, java = sys.argv[1:6]
spark = session(master, None if java == "-" else java)
spark.sparkContext.setLogLevel("ERROR")
spark.conf.set("spark.sql.files.maxPartitionBytes", split)
me = psutil.Process()

def cpu():
    jvm = workers = 0.0
    for p in me.children(recursive=True):
        try:
            t, name = p.cpu_times(), p.name()
        except psutil.Error:
            continue
        if name == "java":
            jvm += t.user + t.system
        else:  # Spark's Python daemon (with the workers it has reaped) and its workers
            workers += t.user + t.system + t.children_user + t.children_system
    return jvm, workers

started, before = time.perf_counter(), cpu()
write_verdicts(kzspark.check_text(spark.read.text(source), "value", lang="en"), out, overwrite=True)
seconds, after = time.perf_counter() - started, cpu()
print("JOB", json.dumps({"seconds": seconds, "jvm": after[0] - before[0],
                         "workers": after[1] - before[1]}), file=sys.stderr, flush=True)
spark.stop()
"""


@dataclass
class Run:
    """One timed run and what it used."""

    name: str
    cores: int
    seconds: float = 0.0  # wall time of the checking itself (Spark: the job, without JVM start)
    total_seconds: float = 0.0  # wall time of the whole process
    cpu: float = 0.0  # CPU time of every process of the run, start to end
    jvm_cpu: float = 0.0  # Spark: CPU time of the JVM during the job alone
    worker_cpu: float = 0.0  # Spark: CPU time of the Python workers during the job alone
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
    """Rows of the job's output; the verdict is the name of the folder a file sits in."""
    import pyarrow.parquet as pq

    for part in sorted(folder.glob("verdict=*/*.parquet")):
        verdict = part.parent.name.partition("=")[2]
        for batch in pq.ParquetFile(part).iter_batches(batch_size=20_000):
            for row in batch.to_pylist():
                row["findings"] = json.loads(row["findings"])
                row["verdict"] = verdict
                yield row["value"], row


def spark_run(source: Path, tmp: Path, cores: int, java_options: str | None) -> Run:
    run = Run(f"Spark `local[{cores}]`", cores)
    out = tmp / f"spark{cores}"
    split = -(-source.stat().st_size // SPLITS)  # SPLITS equal byte ranges of the text file
    err = _timed([sys.executable, "-c", DRIVER, f"local[{cores}]", str(source), str(out),
                  str(split), "-" if java_options is None else java_options], run, subprocess.PIPE)
    for line in err.splitlines():
        if line.startswith("JOB "):
            job = json.loads(line[4:])
            run.seconds, run.jvm_cpu, run.worker_cpu = job["seconds"], job["jvm"], job["workers"]
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


def _us(seconds: float, n: int) -> str:
    return f"{seconds / n * 1e6:.0f} µs"


def run(shared: Path, n: int = N_MESSAGES, java_options: str | None = None) -> str:
    """The Markdown section for docs/benchmarks.md (the corpus in `shared` is not needed)."""
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        source = tmp / "messages.txt"
        _load_batch_module().generate(source, n)
        size = source.stat().st_size
        cli = cli_run(source, tmp)
        one = spark_run(source, tmp, 1, java_options)
        two = spark_run(source, tmp, 2, java_options)
    load_after = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    flags = "kzscam's default JVM flags for a local run" if java_options is None else (
        f"JVM flags `{java_options}`" if java_options else "the JVM's own defaults")
    out = [
        "## Spark: the `kzscam-spark` job's path on `local[1]` and `local[2]`",
        "",
        f"{n:,} generated messages ({size / 1e6:.0f} MB, the batch benchmark's generator), advisories "
        f"in English, on {os.cpu_count()} CPU cores; load average {load:.2f} from other work when "
        f"the runs began and {load_after:.2f} when they ended. The CLI reads the text file and "
        "writes JSONL. Spark does what `kzscam-spark` does after reading its input: its session "
        f"({flags}), `check_text` through Arrow batches, Parquet partitioned by verdict "
        f"(`write_verdicts`), reading the text file in {SPLITS} equal byte ranges. Spark's wall "
        "time and CPU time are the job alone (read, check, write; the JVM start is in the "
        "whole-process column); CPU is split into the JVM and the Python workers. Memory is RSS "
        f"sampled every {SAMPLE_SECONDS} s from the first batch on (early: the first fifth of the "
        "samples, late: the last fifth): the JVM (driver and executor are one process in local "
        "mode), the Python workers together (Spark's daemon and the workers it forks; shared "
        "pages count twice) and the largest single worker.",
        "",
        "| run | cores | wall time | whole process | messages/s | per core | CPU time | "
        "JVM CPU / message | Python CPU / message | JVM early -> late | Python workers early -> "
        "late | largest worker early -> late |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in (cli, one, two):
        rate = r.rows / r.seconds
        spark = r is not cli
        cpu = r.jvm_cpu + r.worker_cpu if spark else r.cpu
        out.append(f"| {r.name} | {r.cores} | {r.seconds:.0f} s | {r.total_seconds:.0f} s | "
                   f"{rate:,.0f} | {rate / r.cores:,.0f} | {cpu:.0f} s | "
                   f"{_us(r.jvm_cpu, n) if spark else '-'} | "
                   f"{_us(r.worker_cpu, n) if spark else _us(r.cpu, n)} | "
                   f"{_mb(r.jvm, 'early')} -> {_mb(r.jvm, 'late')} | "
                   f"{_mb(r.workers, 'early')} -> {_mb(r.workers, 'late')} | "
                   f"{_mb(r.largest, 'early')} -> {_mb(r.largest, 'late')} |")
    speedup = one.seconds / two.seconds
    per_core = (one.rows / one.seconds) / (cli.rows / cli.seconds)
    cpu_one, cpu_two = one.jvm_cpu + one.worker_cpu, two.jvm_cpu + two.worker_cpu
    busy = [cli.cpu / cli.seconds, cpu_one / one.seconds, cpu_two / two.seconds]
    same = cli.digest == one.digest == two.digest and cli.rows == one.rows == two.rows == n
    out += [
        "",
        f"- `local[2]` vs `local[1]`: **{speedup:.2f}x** by wall time (target 1.8x).",
        f"- Spark per core vs the CLI's one process: **{per_core:.2f}x** (target 0.7x), by wall "
        "time.",
        f"- The JVM's share of the job's CPU: {one.jvm_cpu / cpu_one:.1%} on `local[1]`, "
        f"{two.jvm_cpu / cpu_two:.1%} on `local[2]`. Cores busy (CPU / wall): CLI {busy[0]:.2f}, "
        f"local[1] {busy[1]:.2f} (one Python worker plus the JVM beside it), local[2] "
        f"{busy[2]:.2f}.",
        f"- By CPU time: `local[1]` can go no faster than its one Python worker "
        f"({one.worker_cpu:.0f} s of CPU; the JVM works beside it on the other core), `local[2]` "
        f"no faster than half of all its CPU ({cpu_two / 2:.0f} s): on two otherwise idle cores "
        f"about **{2 * one.worker_cpu / cpu_two:.2f}x** (an estimate that leaves out the job's "
        "serial start: planning, Python workers starting).",
        f"- By CPU time a Spark core does **{cli.cpu / cpu_one:.2f}x** the CLI's work "
        f"(CLI {_us(cli.cpu, n)} per message, Spark `local[1]` {_us(cpu_one, n)}, JVM and Python "
        "workers together).",
        f"- Outputs identical row by row (sum of per-row digests of text and RESULT, {n:,} rows "
        f"each): {'yes' if same else 'NO'}; CLI exit code {cli.code}.",
    ]
    return "\n".join(out) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=N_MESSAGES)
    parser.add_argument("--java-options", help="JVM flags for the Spark runs instead of kzscam's "
                        "defaults ('' for the JVM's own)")
    args = parser.parse_args()
    print(run(ROOT.parent / "shared", args.messages, args.java_options))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
