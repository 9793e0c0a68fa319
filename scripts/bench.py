"""`make bench`: run every benchmark section and write docs/benchmarks.md.

Each `scripts/bench_<area>.py` defines `run(shared: Path) -> str` returning a Markdown section.
Speed is reported as a ratio against a baseline measured in the same script, plus absolute figures.
"""

from __future__ import annotations

import argparse
import importlib.util
import platform
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SECTIONS = ("bench_text", "bench_growth", "bench_url", "bench_qr", "bench_host", "bench_batch",
            "bench_spark")


def _load(name: str) -> object | None:
    path = HERE / f"{name}.py"
    if not path.exists():
        return None
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _sections(text: str) -> dict[str, str]:
    """Sections of an earlier benchmarks.md, by name, markers included."""
    found: dict[str, str] = {}
    for block in text.split("<!-- section: ")[1:]:
        name, _, rest = block.partition(" -->")
        body = rest.split("<!-- end -->")[0]
        found[name] = f"<!-- section: {name} -->{body}<!-- end -->"
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=HERE.parent.parent / "shared")
    parser.add_argument("--out", type=Path, default=HERE.parent / "docs" / "benchmarks.md")
    parser.add_argument("--only", nargs="*", help="run only these sections (e.g. bench_text)")
    args = parser.parse_args()
    parts = [
        "# kzscam benchmarks",
        "",
        "Written by `make bench`. Ratios compare against a baseline run in the same script on the "
        "same machine, so they travel better than absolute times.",
        "",
        f"- machine: {platform.machine()}, {platform.processor() or 'cpu'}, "
        f"Python {platform.python_version()}, {platform.system()} {platform.release()}",
        f"- date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        "",
    ]
    previous = _sections(args.out.read_text(encoding="utf-8")) if args.out.exists() else {}
    for name in SECTIONS:
        if args.only and name not in args.only:
            if name in previous:  # --only keeps the other sections as they were measured
                parts += [previous[name], ""]
            continue
        module = _load(name)
        if module is None:
            continue
        print(f"== {name}", file=sys.stderr, flush=True)
        started = time.perf_counter()
        section = module.run(args.shared)  # type: ignore[attr-defined]
        parts += [f"<!-- section: {name} -->", section.rstrip(), "",
                  f"_(section took {time.perf_counter() - started:.0f} s)_", "<!-- end -->", ""]
    args.out.write_text("\n".join(parts), encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
