"""audit-host speed: a full live audit of this machine, and an offline audit of a generated
100,000-file Linux tree. Target (issue 5): a full audit on this machine in under 1 s.

Baselines run in the same process: a bare psutil process listing (what any process audit must
at least do) for the live audit, and a plain `os.walk` of the whole tree for the offline one.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

ROUNDS = 7
TREE_FILES = 100_000


def _median_ms(fn: Callable[[], object], rounds: int = ROUNDS) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _audit(root: str | None) -> int:
    """What `kzscam audit-host` does after option parsing: collect, judge, stamp."""
    from kzscam.config import Config
    from kzscam.engine import get_engine
    from kzscam.host.audit import gather
    from kzscam.host.catalogue import load_catalogue
    from kzscam.host.judge import judge
    from kzscam.host.report import host_report

    catalogue = load_catalogue()
    facts = gather(catalogue, root, "linux" if root else None)
    report = host_report(facts, judge(facts, catalogue), get_engine(Config()), "en")
    return len(report.parts)


def _psutil_listing() -> int:
    import psutil

    return len(list(psutil.process_iter(["pid", "name", "exe", "cmdline"], ad_value=None)))


def _walk(root: str) -> int:
    return sum(len(files) for _, _, files in os.walk(root))


def make_tree(base: Path, total: int = TREE_FILES) -> int:
    """A Linux-like root: the dirs audit-host reads are full, the rest is bulk it never opens."""
    made = 0

    def touch(path: Path, text: str = "") -> None:
        nonlocal made
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        made += 1

    pkgs = [f"Package: lib{i}\nStatus: install ok installed\n" for i in range(3000)]
    pkgs.append("Package: anydesk\nStatus: install ok installed\n")
    touch(base / "var/lib/dpkg/status", "\n".join(pkgs))
    for i in range(20_000):
        touch(base / f"usr/bin/tool{i}")
    for i in range(2_000):
        touch(base / f"usr/share/applications/app{i}.desktop",
              f"[Desktop Entry]\nName=App {i}\nExec=app{i}\n")
    for i in range(2_000):
        touch(base / f"lib/systemd/system/svc{i}.service", f"[Service]\nExecStart=/usr/bin/tool{i}\n")
    touch(base / "etc/systemd/system/anydesk.service", "[Service]\nExecStart=/usr/bin/anydesk --service\n")
    for i in range(500):
        for j in range(20):
            touch(base / f"opt/vendor{i}/file{j}")
    for u in range(20):
        for i in range(100):
            touch(base / f"home/user{u}/.config/app{i}/settings.toml")
        for i in range(50):
            touch(base / f"home/user{u}/Downloads/file{i}.zip")
    i = 0
    while made < total:  # bulk: documentation nobody audits
        touch(base / f"usr/share/doc/pkg{i // 50}/file{i}")
        i += 1
    return made


def _cli_ms() -> tuple[float, float]:
    """End-to-end wall time of the CLI (interpreter start included) vs `python -c pass`."""
    env = {**os.environ, "KZSCAM_CONFIG": os.devnull}

    def cli() -> None:
        subprocess.run([sys.executable, "-m", "kzscam", "audit-host", "--format", "json"],
                       capture_output=True, env=env, cwd=ROOT, check=False)

    def bare() -> None:
        subprocess.run([sys.executable, "-c", "pass"], capture_output=True, check=False)

    return _median_ms(cli, 5), _median_ms(bare, 5)


def run(shared: Path) -> str:
    """The Markdown section for docs/benchmarks.md (`shared` is not needed here)."""
    cold_started = time.perf_counter()
    tools_live = _audit(None)
    cold = (time.perf_counter() - cold_started) * 1000
    live = _median_ms(lambda: _audit(None))
    listing = _median_ms(_psutil_listing)
    cli, bare = _cli_ms()
    with tempfile.TemporaryDirectory(prefix="kzscam-bench-host-") as tmp:
        files = make_tree(Path(tmp))
        tools_tree = _audit(tmp)
        tree = _median_ms(lambda: _audit(tmp), 5)
        walk = _median_ms(lambda: _walk(tmp), 5)
    rows = [
        ("bare psutil process listing (baseline)", listing, listing),
        ("full live audit, warm (collect + judge + stamp)", live, listing),
        ("full live audit, first in process (catalogue + rules load)", cold, listing),
        ("`kzscam audit-host --format json`, wall, with interpreter start", cli, bare),
        ("`python -c pass` (interpreter start alone)", bare, bare),
        (f"`os.walk` of the {files:,}-file tree (baseline)", walk, walk),
        (f"offline audit of the {files:,}-file tree (`--root`)", tree, walk),
    ]
    lines = [
        "## audit-host",
        "",
        f"Live audit of this machine ({_psutil_listing()} processes, {tools_live} tools found) and "
        f"an offline audit of a generated Linux tree of {files:,} files ({tools_tree} tools found: "
        "the planted AnyDesk). Median of several runs; each ratio is against the baseline above "
        "it. Target: a full audit on this machine under 1 s.",
        "",
        "| measurement | median ms | ratio to baseline |",
        "|---|---:|---:|",
    ]
    lines += [f"| {name} | {ms:.1f} | {ms / base:.2f}x |" for name, ms, base in rows]
    lines.append("")
    lines.append(f"Under 1 s on this machine: **{'yes' if cli < 1000 else 'NO'}** "
                 f"({cli / 1000:.2f} s end to end).")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(run(ROOT.parent / "shared"))
