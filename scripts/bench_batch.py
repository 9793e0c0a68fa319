"""Batch benchmark: `check-text --lines --jobs 1` vs `--jobs 2` on 1,000,000 generated messages.

Runs the real command line on a generated file of short messages (SMS-sized, a third of them
scam-like), streams its JSONL output into a hash (so both runs are checked to be identical without
storing ~500 MB), and samples the memory of the whole process tree (parent and workers) twice a
second. Reports wall time, messages per second, the speed-up against one worker in the same
script, peak memory, and memory early vs late in the run (flat = constant memory on unbounded
input). Other work on the machine slows both runs; the load average is printed alongside.

    python scripts/bench_batch.py [--messages N]      # or through `make bench`
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import resource
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
N_MESSAGES = 1_000_000
SAMPLE_SECONDS = 0.5

_FRAGMENTS = [
    "Здравствуйте, это служба безопасности банка", "Назовите код из SMS",
    "Сәлем, бұл Ұлттық Банктің қызметкері", "Кодты айтыңыз, аккаунт бұғатталады",
    "Open http://kaspi-app.top/update.apk", "Мама, у меня новый номер, скинь 50 000 на карту",
    "Привет! Во сколько встречаемся завтра?", "Ертең сағат 10-да жиналыс болады",
    "Meeting moved to Thursday", "Код: 4821. Никому не сообщайте его",
    "Kaspi Gold: пополнение 15 000 ₸", "Balance: 12 500 KZT, card *1405",
    "Удалённая работа, доход от 5000 в день", "Жаңа жылыңызбен! Денсаулық тілеймін",
    "Ваша посылка задержана, оплатите доставку", "Купи хлеба по дороге домой",
]


@dataclass(frozen=True)
class Run:
    """One timed run of the command line."""

    jobs: int
    seconds: float
    digest: str
    lines: int
    peak_total: int  # bytes, RSS summed over parent and workers
    peak_single: int  # bytes, largest single process
    early: int  # RSS sum averaged over the first fifth of the samples
    late: int  # ... and over the last fifth
    code: int
    cpu: float  # seconds of CPU used by the command and its workers


def generate(path: Path, n: int, seed: int = 11) -> None:
    """`n` short messages, one per line (~50 bytes each)."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as fh:
        for _ in range(n):
            fh.write(f"{rng.choice(_FRAGMENTS)} #{rng.randint(1, 99999)}\n")


def _tree_rss(proc: object) -> tuple[int, int]:
    import psutil

    total = single = 0
    try:
        procs = [proc, *proc.children(recursive=True)]  # type: ignore[attr-defined]
    except psutil.Error:
        return 0, 0
    for p in procs:
        try:
            rss = p.memory_info().rss
        except psutil.Error:
            continue
        total += rss
        single = max(single, rss)
    return total, single


def measure(path: Path, jobs: int) -> Run:
    """Run check-text on `path` with `jobs` workers; hash stdout while sampling memory."""
    import psutil

    # One hash seed for both runs: the comparison is about worker order, not about set order.
    env = {**os.environ, "KZSCAM_CONFIG": os.devnull, "NO_COLOR": "1", "PYTHONHASHSEED": "0"}
    cmd = [sys.executable, "-m", "kzscam", "check-text", "--lines", "--file", str(path),
           "-f", "jsonl", "--jobs", str(jobs)]
    digest = hashlib.sha256()
    lines = 0
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=ROOT,
                            env=env)
    assert proc.stdout is not None

    def drain() -> None:
        nonlocal lines
        for chunk in iter(lambda: proc.stdout.read(1 << 20), b""):  # type: ignore[union-attr]
            digest.update(chunk)
            lines += chunk.count(b"\n")

    reader = threading.Thread(target=drain)
    reader.start()
    ps = psutil.Process(proc.pid)
    samples: list[tuple[int, int]] = []
    while proc.poll() is None:
        samples.append(_tree_rss(ps))
        time.sleep(SAMPLE_SECONDS)
    reader.join()
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # workers are waited for: included
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    totals = [s[0] for s in samples if s[0]] or [0]
    fifth = max(1, len(totals) // 5)
    return Run(jobs, seconds, digest.hexdigest(), lines, max(totals),
               max((s[1] for s in samples), default=0), sum(totals[:fifth]) // fifth,
               sum(totals[-fifth:]) // fifth, proc.returncode, cpu)


def _mb(n: int) -> str:
    return f"{n / 1e6:.0f} MB"


def run(shared: Path, n: int = N_MESSAGES) -> str:
    """The Markdown section for docs/benchmarks.md (the corpus in `shared` is not needed)."""
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "messages.txt"
        generate(path, n)
        size = path.stat().st_size
        runs = [measure(path, 1), measure(path, 2)]
    base = runs[0]
    out = [
        "## Batches: `check-text --lines --jobs N`",
        "",
        f"{n:,} generated messages ({size / 1e6:.0f} MB, SMS-sized, a third scam-like), JSONL "
        f"out, on {os.cpu_count()} CPU cores; load average {load:.2f} from other work when "
        f"the runs began. Memory is sampled every {SAMPLE_SECONDS} s over the whole process "
        "tree (RSS: pages the workers share with the parent after fork count twice).",
        "",
        "| workers | wall time | messages/s | speed-up | CPU time, all processes | cores busy "
        "(CPU / wall) | peak memory, all processes | largest process | memory early -> late |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in runs:
        out.append(f"| {r.jobs} | {r.seconds:.0f} s | {r.lines / r.seconds:,.0f} | "
                   f"{base.seconds / r.seconds:.2f}x | {r.cpu:.0f} s | {r.cpu / r.seconds:.2f} | "
                   f"{_mb(r.peak_total)} | {_mb(r.peak_single)} | {_mb(r.early)} -> "
                   f"{_mb(r.late)} |")
    two = runs[-1]
    out += ["", f"Parallel overhead: the 2-worker run used {two.cpu / max(base.cpu, 1e-9):.2f}x "
                f"the CPU time of one worker; on two otherwise idle cores its wall time would be "
                f"about {two.cpu / 2:.0f} s ({base.seconds / (two.cpu / 2):.2f}x). When other work "
                "holds a core, \"cores busy\" stays near 1 and the speed-up with it."]
    same = len({r.digest for r in runs}) == 1 and all(r.lines == n for r in runs)
    out += ["", f"Outputs of both runs identical (SHA-256 of the JSONL, {n:,} lines each): "
                f"{'yes' if same else 'NO'}; exit codes {', '.join(str(r.code) for r in runs)}."]
    return "\n".join(out) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=N_MESSAGES)
    args = parser.parse_args()
    print(run(ROOT.parent / "shared", args.messages))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
