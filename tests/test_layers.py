"""Layers look only down: an import of a higher layer anywhere in kzscam/ fails this test.

model -> rules -> engine -> detectors -> output -> pipelines -> api -> commands -> cli. Every import
counts, at module level or inside a function (a lazy import still makes the lower layer depend
on the higher one). Detectors do not import each other, except the few pairs listed below
(shared data, not detection); composing detectors is the pipelines' job.
"""

from __future__ import annotations

import ast

import pytest
from conftest import ROOT

# (layer, module prefixes); the longest matching prefix decides a module's layer.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("model", ("kzscam.model", "kzscam.checks", "kzscam.details", "kzscam.i18n", "kzscam.exitcodes",
               "kzscam.config", "kzscam.lazyre")),
    # The rule language is defined over normalised text and extracted entities, and the learned
    # detector's weights are part of the compiled rules: these text modules sit with the rules.
    ("rules", ("kzscam.rules", "kzscam.text.normalize", "kzscam.text.extract",
               "kzscam.text.learned", "kzscam.engine_cache")),
    ("engine", ("kzscam.engine",)),
    ("detectors", ("kzscam.text", "kzscam.url", "kzscam.qr", "kzscam.host", "kzscam.chat")),
    ("output", ("kzscam.output",)),
    ("pipelines", ("kzscam.pipeline", "kzscam.qr.analyze", "kzscam.host.report",
                   "kzscam.chat.analyse", "kzscam.chat.summary", "kzscam.ocr", "kzscam.batch")),
    ("api", ("kzscam.api",)),
    ("commands", ("kzscam.commands", "kzscam.rules.docgen", "kzscam.rules.examples", "kzscam.spark")),
    ("cli", ("kzscam.cli", "kzscam.__main__", "kzscam.__init__")),
)
DETECTORS = ("kzscam.text", "kzscam.url", "kzscam.qr", "kzscam.host", "kzscam.chat")
# Detector -> detector imports that are allowed: data one detector shares with another.
PEERS = {
    ("kzscam.qr.known", "kzscam.url.brands"),  # the brand list names the banks' payment domains
}


def _match(module: str, prefixes: tuple[str, ...]) -> int:
    best = -1
    for p in prefixes:
        if module == p or module.startswith(p + "."):
            best = max(best, len(p))
    return best


def layer_of(module: str) -> int:
    scored = [(_match(module, prefixes), i) for i, (_name, prefixes) in enumerate(LAYERS)]
    length, index = max(scored)
    if length < 0:
        raise AssertionError(f"{module} is in no layer: add it to LAYERS in {__file__}")
    return index


def _detector(module: str) -> str | None:
    return next((d for d in DETECTORS if module == d or module.startswith(d + ".")), None)


def _modules() -> dict[str, ast.Module]:
    out = {}
    for path in sorted((ROOT / "kzscam").rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        out[".".join(parts)] = ast.parse(path.read_text(encoding="utf-8"), str(path))
    return out


def _imports(module: str, tree: ast.Module) -> list[tuple[int, str]]:
    package = module if module.endswith("__init__") else module.rsplit(".", 1)[0]
    package = package.removesuffix(".__init__")
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("kzscam")]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1]
                                + ([base] if base else []))
            if not base.startswith("kzscam"):
                continue
            for a in node.names:  # `from kzscam import api` imports the module kzscam.api
                sub = f"{base}.{a.name}"
                found.append((node.lineno, sub if _is_module(sub) else base))
    return found


def _is_module(name: str) -> bool:
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def violations() -> list[str]:
    out = []
    for module, tree in _modules().items():
        mine = layer_of(module)
        for line, target in _imports(module, tree):
            if target == "kzscam":
                continue
            theirs = layer_of(target)
            where = f"{module.replace('.', '/')}.py:{line}"
            if theirs > mine:
                out.append(f"{where}: {LAYERS[mine][0]} imports {target} ({LAYERS[theirs][0]})")
            elif theirs == mine and LAYERS[mine][0] == "detectors":
                a, b = _detector(module), _detector(target)
                if a != b and (module, target) not in PEERS:
                    out.append(f"{where}: detector {a} imports detector {b} ({target})")
    return out


def test_every_import_looks_down() -> None:
    assert violations() == []


def test_every_module_has_a_layer() -> None:
    for module in _modules():
        layer_of(module)


@pytest.mark.parametrize(("module", "target", "bad"), [
    ("kzscam.engine", "kzscam.url.inspect", True),
    ("kzscam.rules.loader", "kzscam.engine", True),
    ("kzscam.commands.common", "kzscam.cli", True),
    ("kzscam.commands.common", "kzscam.api", False),
    ("kzscam.pipeline.text", "kzscam.engine", False),
    ("kzscam.qr.checks", "kzscam.pipeline.text", True),
])
def test_the_table_tells_up_from_down(module: str, target: str, bad: bool) -> None:
    assert (layer_of(target) > layer_of(module)) is bad


def test_an_upward_import_is_caught() -> None:
    tree = ast.parse("def f():\n    from kzscam.api import check_text\n")
    found = _imports("kzscam.engine", tree)
    assert found == [(2, "kzscam.api")]
    assert layer_of(found[0][1]) > layer_of("kzscam.engine")
