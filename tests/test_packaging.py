"""What a packager gets: the wheel's contents and metadata, and the dependency ranges we test."""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
import zipfile
from importlib.metadata import version
from pathlib import Path

import pytest
from conftest import ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _imported_modules(package: Path) -> set[str]:
    names: set[str] = set()
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(a.name.split(".")[0] for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module.split(".")[0])
    return names


def test_test_only_packages_are_not_runtime_dependencies() -> None:
    """qrcode and segno make test images; kzscam itself never imports them."""
    runtime = " ".join(PYPROJECT["project"]["dependencies"])
    test = " ".join(PYPROJECT["project"]["optional-dependencies"]["test"])
    imported = _imported_modules(ROOT / "kzscam")
    for name in ("qrcode", "segno"):
        assert name not in imported and name not in runtime and name in test, name


def test_typer_runs_on_the_lower_bound_of_its_range() -> None:
    """typer is pinned to a range with a reason; the suite runs on its lower bound (Makefile)."""
    spec = next(d for d in PYPROJECT["project"]["dependencies"] if d.startswith("typer"))
    assert "<0.29" in spec and "==" not in spec
    lower = spec.split(">=")[1].split(",")[0]
    if version("typer") != lower:
        pytest.skip(f"typer {version('typer')} installed, not the lower bound {lower} (`make venv`)")
    assert version("typer") == lower


@pytest.mark.slow
def test_wheel_contents(tmp_path: Path) -> None:
    """The wheel has LICENSE and py.typed, and no test helper (qrsynth)."""
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps",
                           "--no-build-isolation", "-w", str(tmp_path), str(ROOT)],
                          capture_output=True, text=True, timeout=600)
    if proc.returncode != 0 and "No module named" in proc.stderr:
        pytest.skip(f"cannot build a wheel here: {proc.stderr.strip().splitlines()[-1]}")
    assert proc.returncode == 0, proc.stderr
    wheel = next(tmp_path.glob("kzscam-*.whl"))
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        meta = zf.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    assert "kzscam/py.typed" in names
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names), names
    assert not any(n.startswith("qrsynth") or n.endswith("synth.py") for n in names)
    assert not any(n.startswith("tests/") for n in names)
    requires = [line for line in meta.splitlines() if line.startswith("Requires-Dist:")]
    assert not any("qrcode" in r and "extra ==" not in r for r in requires), requires
    assert any(r.startswith("Requires-Dist: typer") and "<0.29" in r for r in requires), requires
    assert "License-Expression: Apache-2.0" in meta
