"""Turn a `Judgement` into ordinary Reports: one part per tool (parts_key "tools"), stamped by
the engine like every other finding, so renderers, exit codes and --fail-on work unchanged.
"""

from __future__ import annotations

from kzscam.details import HostDetails, ToolDetails
from kzscam.engine import Engine
from kzscam.host.facts import HostFacts
from kzscam.host.judge import STATES, Judgement, ToolResult
from kzscam.model import Report, Verdict


def tool_report(result: ToolResult, engine: Engine, lang: str) -> Report:
    """One tool: its findings, and the details the issue asks for in JSON."""
    findings = engine.stamp(result.hits, lang)
    primary = engine.stamp(result.hits[:1], lang)  # the state finding; others add context
    # The state sets a floor through its finding (check floors in rules/scoring.toml); when the
    # user disabled that rule only the remaining findings count.
    score, verdict = engine.combine("tool", findings)
    details = ToolDetails({
        "id": result.tool.id,
        "name": result.tool.name,
        "tier": result.tool.tier,
        "state": result.state,
        "states": list(result.states),
        "ports": list(result.ports),
        "confidence": result.confidence,
        "severity": primary[0].severity.label if primary else "info",
        "allowed": result.allowed,
        "evidence": [f.as_json() for f in result.evidence],
    })
    return Report(input=result.tool.name, verdict=verdict, score=score, findings=tuple(findings),
                  details=details)


def host_report(facts: HostFacts, judgement: Judgement, engine: Engine, lang: str) -> Report:
    """The host: host-level findings, one part per tool, and what could not be checked."""
    # Worst first, then by state (strongest evidence first) and name.
    judged = [(tool_report(r, engine, lang), r) for r in judgement.tools]
    judged.sort(key=lambda pr: (-pr[0].verdict, STATES.index(pr[1].state), pr[1].tool.name.lower()))
    parts = tuple(p for p, _ in judged)
    findings = engine.stamp(judgement.hits, lang)
    score, verdict = engine.combine("host", findings, [(p.score, p.verdict) for p in parts])
    details = HostDetails({
        "platform": facts.platform,
        "mode": "live" if facts.live else "offline",
        "tools_found": sum(1 for p in parts if p.verdict > Verdict.SAFE),
        "skipped": list(facts.skipped),
        "masked_units": sorted({f.value for f in facts.facts if f.masked}),
    })
    return Report(input=facts.input, verdict=verdict, score=score,
                  findings=tuple(findings), parts=parts, parts_key="tools", details=details)
