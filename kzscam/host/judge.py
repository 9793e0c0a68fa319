"""The pure judge: `HostFacts` + catalogue -> per-tool results and detector `Hit`s. No I/O.

A tool's state is its strongest evidence (accessibility > listening > running > device-admin >
autostart > installed > downloaded > leftovers). Confidence grows with the number of independent
kinds of evidence; identifiers the research could not verify, and tools known only from the
generic LOLRMM list, are judged at lower confidence ("possible" remote-access tool).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from kzscam.checks import HostCheck
from kzscam.host.catalogue import Catalogue, Ref, Tool
from kzscam.host.facts import ANDROID, Fact, HostFacts, Kind
from kzscam.host.hostlevel import host_hits
from kzscam.model import Hit

# Strongest first: an enabled accessibility service lets a remote person drive a phone.
STATES = ("accessibility", "listening", "running", "device-admin", "autostart", "installed",
          "downloaded", "leftovers")
ACTIVE = frozenset(STATES[:5])  # these make a host dangerous
# Which family of evidence a kind belongs to: agreeing families raise confidence.
FAMILY = {Kind.PACKAGE: "install", Kind.APP: "install", Kind.BINARY: "install", Kind.PATH: "install",
          Kind.SERVICE: "service", Kind.AUTOSTART: "service", Kind.PROCESS: "process",
          Kind.LISTEN: "network", Kind.DOWNLOAD: "download", Kind.REMOVED: "trace",
          Kind.RAN: "trace", Kind.LAYOUT: "trace", Kind.ACCESSIBILITY: "android-access",
          Kind.DEVICE_ADMIN: "android-access", Kind.NOTIFICATIONS: "android-access",
          Kind.SMS: "android-access", Kind.SCREEN_CAPTURE: "process"}


@dataclass(frozen=True)
class ToolResult:
    """One remote-access tool found on the host, with all its evidence."""

    tool: Tool
    state: str
    states: tuple[str, ...]
    evidence: tuple[Fact, ...]
    confidence: str
    hits: tuple[Hit, ...]
    allowed: bool = False
    ports: tuple[int, ...] = ()
    viewer_only: bool = False
    off: bool = False  # desktop sharing that ships with the system, switched off

    @property
    def flagged(self) -> bool:
        """Neither managed by the user, nor only a viewer, nor switched-off desktop sharing."""
        return not (self.allowed or self.viewer_only or self.off)


@dataclass(frozen=True)
class Judgement:
    """Tools found (worst first) and host-level hits (open ports, risky Android grants)."""

    tools: tuple[ToolResult, ...]
    hits: tuple[Hit, ...]


def state_of(fact: Fact, refs: Iterable[Ref]) -> str:
    """The state one piece of evidence shows for a tool."""
    kind = fact.kind
    if kind is Kind.LISTEN:
        return "listening"
    if kind in (Kind.PROCESS, Kind.SCREEN_CAPTURE):
        return "running"
    if kind is Kind.ACCESSIBILITY:
        return "accessibility"
    if kind is Kind.DEVICE_ADMIN:
        return "device-admin"
    if fact.masked:  # cannot be started; alone it says only that the tool was here once
        return "leftovers"
    if kind in (Kind.SERVICE, Kind.AUTOSTART):
        return "autostart" if fact.active else "installed"
    if kind is Kind.DOWNLOAD:
        return "downloaded"
    if kind in (Kind.REMOVED, Kind.RAN, Kind.LAYOUT):
        return "leftovers"
    if kind is Kind.PATH and all(r.field == "traces" for r in refs):
        return "leftovers"
    return "installed"


def _confidence(tool: Tool, items: list[tuple[Fact, list[Ref]]]) -> str:
    strong = [f for f, refs in items if not all(r.weak for r in refs)]
    families = {FAMILY[f.kind] for f in strong}
    if not families:
        return "low"
    if tool.tier == "other":
        return "medium" if len(families) > 1 else "low"
    return "high" if len(families) > 1 else "medium"


def _hits(tool: Tool, state: str, confident: bool, ports: tuple[int, ...],
          fork: bool, viewer_only: bool, allowed: bool) -> tuple[Hit, ...]:
    params = {"tool": tool.name, "port": ", ".join(map(str, ports)), "state": state}
    if allowed:
        return (Hit(HostCheck.TOOL_ALLOWED, params=params),)
    if viewer_only:
        return (Hit(HostCheck.VIEWER_INSTALLED, params=params),)
    if confident or state == "leftovers":
        check = HostCheck("host.tool_" + state.replace("-", "_"))
    else:
        check = HostCheck.POSSIBLE_TOOL_ACTIVE if state in ACTIVE else HostCheck.POSSIBLE_TOOL_INSTALLED
    hits = [Hit(check, params=params)]
    if tool.nbk and state != "leftovers":
        hits.append(Hit(HostCheck.NBK_NAMED, params=params))
    if fork:
        hits.append(Hit(HostCheck.RUSTDESK_FORK, params=params))
    return tuple(hits)


def _fork_tool(app: str) -> Tool:
    """A RustDesk-based build under another brand name (section 8.4 of the research note)."""
    return Tool(id=f"rustdesk-fork-{app.lower()}", name=app, tier="scam",
                nbk=False, names=(), artifacts={}, android_controlled=(), android_viewer=(),
                listen=(), weak=frozenset())


def _result(tool: Tool, items: list[tuple[Fact, list[Ref]]], allow: frozenset[str],
            fork: bool) -> ToolResult | None:
    seen_at = {f.where for f, _ in items if f.kind is not Kind.PATH}
    items = [(f, r) for f, r in items if not (f.kind is Kind.PATH and f.value in seen_at)]
    states = sorted({state_of(f, refs) for f, refs in items}, key=STATES.index)
    if tool.tier == "builtin" and not ACTIVE & set(states):
        return None  # ships with the OS: only a running session means something
    conf = _confidence(tool, items) if not fork else "medium"
    confident = conf != "low"
    ports = tuple(sorted({f.port for f, _ in items if f.port is not None}))
    all_refs = [r for _, refs in items for r in refs]
    viewer_only = bool(all_refs) and all(r.field == "viewer" for r in all_refs)
    allowed = tool.id in allow or tool.name.lower() in allow
    off = tool.tier == "desktop" and not ACTIVE & set(states)  # desktop sharing, switched off
    hits = (Hit(HostCheck.DESKTOP_SHARING_OFF, params={"tool": tool.name}),) if off and not allowed \
        else _hits(tool, states[0], confident, ports, fork, viewer_only, allowed)
    evidence = tuple(sorted(dict.fromkeys(f for f, _ in items),
                            key=lambda f: (STATES.index(state_of(f, [])), f.value)))
    return ToolResult(tool, states[0], tuple(states), evidence, conf, hits, allowed, ports,
                      viewer_only, off)


def judge(facts: HostFacts, catalogue: Catalogue, allow: frozenset[str] = frozenset()) -> Judgement:
    """Match every fact against the catalogue and judge each tool found."""
    index = catalogue.index(facts.platform)
    found: dict[str, list[tuple[Fact, list[Ref]]]] = {}
    forks: dict[str, str] = {}
    unmatched: list[Fact] = []
    for fact in facts.facts:
        refs = [r for key, value in fact.keys for r in index.lookup(key, value)]
        if not refs and (fact.kind is Kind.LAYOUT or fact.value.endswith(".flutter_hbb")):
            forks.setdefault(fact.value.lower(), fact.value)
        by_tool: dict[str, list[Ref]] = {}
        for ref in refs:
            by_tool.setdefault(ref.tool, []).append(ref)
        for tool_id, tool_refs in by_tool.items():
            found.setdefault(tool_id, []).append((fact, tool_refs))
        if not refs:
            unmatched.append(fact)
    results = [r for tid, items in found.items()
               if (r := _result(catalogue.by_id[tid], items, allow, fork=False)) is not None]
    results += _forks(forks, facts.facts, allow)
    # Confident matches first, then by state; the verdicts come from the engine (host.report).
    results.sort(key=lambda r: (not r.flagged, r.confidence == "low",
                                STATES.index(r.state), r.tool.name.lower()))
    hits = host_hits(unmatched, catalogue, facts.facts)
    if any(r.flagged for r in results):  # how to remove a program on this platform
        hits = (Hit(HostCheck(f"host.howto_{facts.platform}")), *hits)
    return Judgement(tuple(results), hits)


def _forks(forks: dict[str, str], facts: Iterable[Fact], allow: frozenset[str]) -> list[ToolResult]:
    """Unknown RustDesk-based builds: their config pair or Android id, plus every other fact
    naming the same program (its process, socket, unit or binary)."""
    out: list[ToolResult] = []
    facts = list(facts)
    for low, app in forks.items():
        items: list[tuple[Fact, list[Ref]]] = [
            (f, []) for f in facts
            if f.value.lower() == low
            or any(k[0] != ANDROID and k[1].lower().removesuffix(".exe") == low for k in f.keys)]
        result = _result(_fork_tool(app), items, allow, fork=True)
        if result is not None:
            out.append(result)
    return out
