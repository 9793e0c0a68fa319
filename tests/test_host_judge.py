"""The pure judge, table-style, on hosts written in the compact example syntax.

The judge says which tools and states it found; the verdicts come from the engine's policy
(check floors in rules/scoring.toml) through `host.report.tool_report`.
"""

from __future__ import annotations

import pytest

from kzscam.engine import get_engine
from kzscam.host.catalogue import load_catalogue
from kzscam.host.examples import parse_example
from kzscam.host.judge import Judgement, ToolResult, judge
from kzscam.host.report import tool_report
from kzscam.model import Verdict


def run(example: str) -> Judgement:
    facts, allow = parse_example(example)
    return judge(facts, load_catalogue(), allow)


def engine_verdict(result: ToolResult) -> Verdict:
    return tool_report(result, get_engine(), "en").verdict


def states(example: str) -> dict[str, tuple[str, str, Verdict]]:
    return {r.tool.id: (r.state, r.confidence, engine_verdict(r)) for r in run(example).tools}


@pytest.mark.parametrize(("example", "tool", "state", "confidence", "verdict"), [
    ("linux: package anydesk", "anydesk", "installed", "medium", Verdict.SUSPICIOUS),
    ("linux: package anydesk; service anydesk.service enabled", "anydesk", "autostart", "high",
     Verdict.DANGEROUS),
    ("linux: package x11vnc; process x11vnc; listen 5900 x11vnc", "x11vnc", "listening", "high",
     Verdict.DANGEROUS),
    ("linux: path ~/.config/rustdesk/RustDesk2.toml", "rustdesk", "leftovers", "medium", Verdict.CAUTION),
    ("windows: download AnyDesk (2).exe", "anydesk", "downloaded", "medium", Verdict.SUSPICIOUS),
    ("windows: binary AteraAgent.exe", "atera", "installed", "low", Verdict.CAUTION),
    ("windows: binary AteraAgent.exe; service AteraAgent enabled", "atera", "autostart", "medium",
     Verdict.DANGEROUS),
    ("linux: binary assistant", "assistant", "installed", "low", Verdict.CAUTION),  # unverified name
    ("android: apk com.carriez.flutter_hbb; accessibility com.carriez.flutter_hbb", "rustdesk",
     "accessibility", "high", Verdict.DANGEROUS),
    ("android: admin ru.safib.assistant", "assistant", "device-admin", "medium", Verdict.DANGEROUS),
    ("windows: process quickassist.exe", "quick_assist", "running", "medium", Verdict.DANGEROUS),
])
def test_state_confidence_and_verdict(example: str, tool: str, state: str, confidence: str,
                                      verdict: Verdict) -> None:
    assert states(example)[tool] == (state, confidence, verdict)


def test_nothing_found_is_safe() -> None:
    result = run("linux: package firefox; process bash; listen 22 sshd; service cups.service enabled")
    assert result.tools == () and result.hits == ()


def test_builtin_tool_counts_only_when_active() -> None:
    assert "quick_assist" not in states("windows: binary quickassist.exe")
    assert "apple_remote_desktop" in states("macos: process ARDAgent")


def test_allowlist_reports_but_does_not_raise() -> None:
    result = run("linux: package teamviewer; process teamviewerd; allow teamviewer")
    (tool,) = result.tools
    assert tool.allowed and engine_verdict(tool) is Verdict.SAFE and tool.state == "running"
    assert [h.check for h in tool.hits] == ["host.tool_allowed"]
    assert result.hits == ()  # no "how to remove" for a managed tool


def test_renamed_rustdesk_gathers_its_other_evidence() -> None:
    result = run("windows: layout HelpDesk24; process HelpDesk24.exe; listen 21118 HelpDesk24.exe")
    (fork,) = result.tools
    assert fork.tool.name == "HelpDesk24" and fork.state == "listening" and fork.ports == (21118,)
    assert {h.check for h in fork.hits} == {"host.tool_listening", "host.rustdesk_fork"}


def test_open_port_without_known_owner() -> None:
    result = run("linux: listen 5900; listen 8080")
    assert [(h.check, h.params["port"]) for h in result.hits] == [("host.port_open", "5900")]
    assert "VNC" in result.hits[0].params["tools"]


def test_evidence_is_ordered_and_deduplicated() -> None:
    result = run("linux: package x11vnc; process x11vnc; listen 5900 x11vnc; process x11vnc")
    (tool,) = result.tools
    assert [f.kind.value for f in tool.evidence] == ["listen", "process", "process", "package"]
    assert tool.states == ("listening", "running", "installed")


def test_example_syntax_errors_are_reported() -> None:
    with pytest.raises(ValueError, match="unknown fact kind"):
        parse_example("linux: frobnicate x")
    with pytest.raises(ValueError, match="needs a value"):
        parse_example("linux: package")
