"""The one rules engine: matches the text rules, stamps rule metadata onto detector hits, and
combines findings (and the verdicts of parts) into one verdict.

No I/O here, and no detector is imported: the pipelines (`kzscam.pipeline`) run the detectors and
bring their hits. Every command (text, URL, QR, host, chat) ends in `Engine.stamp` and
`Engine.combine`, whose policy is data in rules/scoring.toml (docs/verdicts.md), so a finding means
the same thing and weighs the same wherever it comes from.
"""

from __future__ import annotations

import gc
import re
import threading
from array import array
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from itertools import chain
from typing import Any, NamedTuple, cast

from kzscam.config import Config
from kzscam.model import Evidence, EvidenceKind, Finding, Hit, Report, Severity, Verdict
from kzscam.rules.loader import Catalog, load_catalog
from kzscam.rules.matchers import TextMatcher, compile_text_rule
from kzscam.rules.schema import Rule
from kzscam.rules.table import PatternTable, Scan, csr
from kzscam.text.extract import APP_EXTENSIONS, Entity, addresses_reader, extract_all
from kzscam.text.learned import Model
from kzscam.text.normalize import Normalized, invisible_in_word, normalize


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Quote words, not the spaces and punctuation a pattern consumed around them."""
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not text[end - 1].isalnum():
        end -= 1
    return start, end


class _SafeParams(dict[str, str]):
    """Leaves unknown `{placeholders}` visible instead of failing (a rule typo must not crash)."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _fmt(template: str, params: Mapping[str, str]) -> str:
    if not params or "{" not in template:
        return template
    try:
        return template.format_map(_SafeParams(params))
    except (ValueError, IndexError):
        return template


class TextOutcome(NamedTuple):
    """What the text pipeline found: stamped-ready hits and extracted entities."""

    hits: list[Hit]
    entities: list[Entity]


class UnknownCheck(LookupError):
    """A hit whose check names neither a rule nor a declared detector check (a detector bug)."""


class Fold:
    """Parts folded into one score and verdict: `sum`, `max` or `worst` (see rules/scoring.toml)."""

    __slots__ = ("mode", "score", "verdict")

    def __init__(self, mode: str) -> None:
        self.mode, self.score, self.verdict = mode, 0, Verdict.SAFE

    def add(self, score: int, verdict: Verdict) -> None:
        if self.mode == "sum":
            self.score += score
        elif self.mode == "max":
            self.score = max(self.score, score)
        elif (verdict, score) > (self.verdict, self.score):  # worst
            self.score = score
        self.verdict = max(self.verdict, verdict)



_WORD = re.compile(r"[^\W\d_]{2,}")


def _has_wording(text: str, entities: list[Entity]) -> bool:
    """At least two words outside links: the learned detector judges wording, and a message that
    is a link alone ("https://example.com 👀", "Link:https://...") has none (the link itself is
    judged by the URL inspector)."""
    kept, at = [], 0
    for e in sorted((e for e in entities if e.kind in ("url", "short_url")), key=lambda e: e.start):
        kept.append(text[at:e.start])
        at = max(at, e.end)
    kept.append(text[at:])
    return len(_WORD.findall(" ".join(kept), 0)) >= 2


def _declared_checks() -> frozenset[str]:
    """Every detector's check names. Imported only here: a hit that names a rule or a rule's check
    (every hit of a working detector) never needs the list, and defining its enums costs about
    2 ms of each start (measured)."""
    from kzscam.checks import ALL_CHECKS

    return ALL_CHECKS


class Engine:
    """Compiled rules for one configuration. Thread-safe after construction (read-only state)."""

    def __init__(self, catalog: Catalog, config: Config) -> None:
        self.catalog = catalog
        self.config = config
        self.by_check: dict[str, list[Rule]] = {}
        for rule in catalog.rules:
            if rule.check:
                self.by_check.setdefault(rule.check, []).append(rule)
        text_rules = [r for r in catalog.rules if r.subject == "text" and not r.check]
        self.table = PatternTable()
        self.text_matchers = [compile_text_rule(r, self.table, catalog.lexicon)
                              for r in text_rules]
        self.table.freeze()
        # A rule is evaluated only when a term of its trigger pattern occurred (or it has none),
        # and only after a set test shows every pattern it requires occurred too.
        by_term: list[list[int]] = [[] for _ in range(self.table.n_terms)]
        self._always: list[int] = []
        self._gates: list[tuple[frozenset[int], frozenset[int], int | None]] = [
            (frozenset(tm.all_ids + tm.near_ids), frozenset(tm.any_ids), tm.none_id)
            for tm in self.text_matchers
        ]
        for i, tm in enumerate(self.text_matchers):
            trig = tm.trigger
            if trig is None:
                self._always.append(i)
            else:
                for tid in self.table.patterns[trig]:
                    by_term[tid].append(i)
        self._by_term = csr(by_term)
        self.learned = Model.load()
        self._index_policy()

    def _index_policy(self) -> None:
        """Check floors by rule id, so `combine` needs no look-up of a finding's check."""
        sc = self.catalog.scoring
        self._rule_floors = {r.id: Verdict.parse(sc.check_floors[r.check])
                             for r in self.catalog.rules
                             if r.check is not None and r.check in sc.check_floors}
        self._incomplete = Verdict.parse(sc.incomplete)

    def __getstate__(self) -> dict[str, Any]:
        """For the per-user cache: without the config (set on load) or the rules' examples."""
        from dataclasses import replace

        state = dict(self.__dict__)
        state["config"] = Config()
        # Matchers are compiled into text_matchers/by_check already: the match tables
        # and the examples are only needed to build, so the cache leaves them out.
        slim = {r.id: replace(r, hits=(), misses=(), description="",
                              match={"check": r.check} if r.check else {})
                for r in self.catalog.rules}
        state["catalog"] = self.catalog._replace(rules=tuple(slim.values()), by_id=slim)
        state["by_check"] = {k: [slim[r.id] for r in v] for k, v in self.by_check.items()}
        state["text_matchers"] = [tm._replace(rule=slim[tm.rule.id]) for tm in self.text_matchers]
        return state

    def to_image(self) -> dict[str, Any]:
        """The run-time form as plain data (str, int, bytes, containers) for the per-user cache.

        Only what matching and stamping need: rules lose their examples and match tables, the
        pattern table its build lists. `from_image` rebuilds an equal engine without calling
        anything stored in the data. Loading it is most of a one-message run's own work, so the
        shapes are chosen for loading: few objects, and what one message does not need (the
        other languages' texts, the lexicon) stays bytes until it is asked for.
        """
        sc = self.catalog.scoring
        import marshal

        shared: dict[Any, Any] = {}

        def one(value: Any) -> Any:
            """Equal strings and tuples as one object: marshal writes it once, loading makes one."""
            return shared.setdefault(value, value)

        rules = [(one(r.id), one(r.name), one(r.subject), int(r.severity), one(r.category),
                  one(tuple(map(one, r.tags))), one(tuple(map(one, r.languages))),
                  one(tuple(map(one, r.references))), r.check and one(r.check), one(r.source))
                 for r in self.catalog.rules]
        # Titles and advice per language, each language one marshalled blob (titles joined by
        # NUL, advice joined by NUL: two strings to load): a run reads one language.
        all_rules = self.catalog.rules
        langs = sorted({lang for r in all_rules for lang in r.texts.title})
        texts = {lang: marshal.dumps((_joined([r.texts.title.get(lang, "") for r in all_rules]),
                                      _joined([r.texts.advice.get(lang, "") for r in all_rules])),
                                     _BLOB)
                 for lang in langs}
        return {
            "rules": rules,
            "texts": texts,
            "lexicon": marshal.dumps({k: tuple(v) for k, v in self.catalog.lexicon.items()}, _BLOB),
            "scoring": [[[int(k), v] for k, v in sc.points.items()], sc.caution, sc.suspicious,
                        sc.dangerous, [[int(k), v] for k, v in sc.floors.items()],
                        [[sorted(c.tags), c.bonus, c.name] for c in sc.combos],
                        [list(band) for band in sc.learned],
                        sorted(sc.subjects.items()), sorted(sc.check_floors.items()),
                        sc.incomplete, sorted(sc.learned_demote),
                        [[sorted(c.tags), c.verdict, int(c.unless), c.name] for c in sc.caps]],
            "by_check": {k: [r.id for r in v] for k, v in self.by_check.items()},
            "table": _table_image(self.table),
            "matchers": [(one(tm.rule.id), tuple(tm.any_ids), tuple(tm.all_ids),
                          tuple(tm.near_ids), tm.near_within, tm.none_id, tm.neg_id, tm.neg_window,
                          one(tuple(map(one, tm.signals))), one(tuple(map(one, tm.has))))
                         for tm in self.text_matchers],
            "always": list(self._always),
            "gates": [(tuple(sorted(a)), tuple(sorted(b)), c) for a, b, c in self._gates],
            "by_term": [self._by_term[0].tobytes(), self._by_term[1].tobytes()],
            "learned": None if self.learned is None else self.learned.to_image(),
        }

    @classmethod
    def from_image(cls, image: Mapping[str, Any], config: Config,
                   on_damage: Callable[[], None] | None = None) -> Engine:
        """An engine from `to_image` data; malformed data raises (the caller rebuilds instead)."""
        from kzscam.rules.loader import Cap, Combo, Scoring
        from kzscam.rules.schema import Texts

        rows = image["rules"]
        store = _TextStore(image["texts"], rows, on_damage)
        severities = {int(s): s for s in Severity}
        rules: list[Rule] = []
        new, set_dict = object.__new__, object.__setattr__
        for i, (rid, name, subject, sev, category, tags, langs, refs, check,
                source) in enumerate(rows):
            # Written by `to_image` and checksummed: shapes are trusted, values are not called.
            # The fields are set as Rule.__init__ would (as `copy` does): a frozen dataclass's
            # __init__ costs several times more, for 300 rules on every start.
            rule = new(Rule)
            set_dict(rule, "__dict__", {
                "id": _str(rid), "name": name, "subject": subject, "severity": severities[sev],
                "category": category, "tags": tags, "languages": langs, "references": refs,
                "match": {"check": check} if check else {},
                "texts": Texts(_LazyText(store, i, 0), _LazyText(store, i, 1)),
                "hits": (), "misses": (), "source": source, "description": ""})
            rules.append(rule)
        by_id = {r.id: r for r in rules}
        (points, caution, suspicious, dangerous, floors, combos, learned_bands, subjects,
         check_floors, incomplete, learned_demote, caps) = image["scoring"]
        scoring = Scoring(points={Severity(k): int(v) for k, v in points},
                          caution=int(caution), suspicious=int(suspicious),
                          dangerous=int(dangerous),
                          floors={Severity(k): _str(v) for k, v in floors},
                          combos=tuple(Combo(frozenset(_strs(t)), int(b), _str(n))
                                       for t, b, n in combos),
                          learned=tuple((_str(c), float(f)) for c, f in learned_bands),
                          subjects={_str(k): _str(v) for k, v in subjects},
                          check_floors={_str(k): _str(v) for k, v in check_floors},
                          incomplete=_str(incomplete),
                          learned_demote=frozenset(_strs(learned_demote)),
                          caps=tuple(Cap(frozenset(_strs(t)), _str(v), Severity(int(u)), _str(n))
                                     for t, v, u, n in caps))
        engine = cls.__new__(cls)
        engine.catalog = Catalog(rules=tuple(rules), lexicon=_Lexicon(image["lexicon"], on_damage),
                                 scoring=scoring, by_id=by_id)
        engine.config = config
        engine.by_check = {k: [by_id[i] for i in v] for k, v in image["by_check"].items()}
        engine.table = _table_from_image(image["table"])
        engine.text_matchers = [TextMatcher(by_id[m[0]], *m[1:]) for m in image["matchers"]]
        engine._always = [int(i) for i in image["always"]]
        engine._gates = [(frozenset(a), frozenset(b), c if c is None else int(c))
                         for a, b, c in image["gates"]]
        learned = image["learned"]
        engine.learned = None if learned is None else Model.from_image(learned)
        offsets, values = image["by_term"]
        engine._by_term = (array("i", offsets), array("i", values))
        engine._index_policy()
        n = len(engine.text_matchers)
        if len(engine._gates) != n or any(not 0 <= i < n for i in engine._always):
            raise ValueError("inconsistent engine image")
        return engine

    # -- stamping and scoring -------------------------------------------------------------------
    def _finding(self, rule: Rule, hit: Hit, lang: str) -> Finding:
        return Finding(
            rule_id=rule.id, severity=rule.severity,
            title=_fmt(rule.texts.title[lang], hit.params),
            advice=_fmt(rule.texts.advice[lang], hit.params),
            evidence=hit.evidence, category=rule.category, tags=rule.tags, params=hit.params,
        )

    def stamp(self, hits: Iterable[Hit], lang: str) -> list[Finding]:
        """Detector hits -> localised findings; a hit's check is a rule id or a detector check name.

        A check no rule claims and no detector declares (kzscam/checks.py) is a bug in the detector
        and raises UnknownCheck; a declared check whose rule the user disabled stamps nothing.
        """
        out: list[Finding] = []
        seen: set[tuple[str, tuple[str, ...]]] = set()
        for hit in hits:
            rule = self.catalog.by_id.get(hit.check)
            rules = [rule] if rule is not None else self.by_check.get(hit.check, [])
            if not rules and hit.check not in _declared_checks() and (
                    hit.check not in self.config.disabled_rules):
                raise UnknownCheck(f"no rule claims the check {hit.check!r}")
            for r in rules:
                f = self._finding(r, hit, lang)
                key = (f.rule_id, tuple(sorted(f"{e.start}:{e.text}" for e in f.evidence)))
                if key not in seen:
                    seen.add(key)
                    out.append(f)
        out.sort(key=lambda f: (-f.severity, f.rule_id))
        return out

    def localise(self, report: Report, lang: str) -> Report:
        """`report` (and its parts) with every finding's title and advice in `lang`: for a report
        whose language is chosen after it was judged (a chat's, from its messages). Nothing is
        judged again; verdicts and evidence stay as they are."""
        def one(f: Finding) -> Finding:
            rule = self.catalog.by_id.get(f.rule_id)
            if rule is None:
                return f
            return replace(f, title=_fmt(rule.texts.title[lang], f.params),
                           advice=_fmt(rule.texts.advice[lang], f.params))

        return replace(report, findings=tuple(map(one, report.findings)),
                       parts=tuple(self.localise(p, lang) for p in report.parts), lang=lang)

    def score(self, findings: Iterable[Finding]) -> tuple[int, Verdict]:
        """Severity points, plus combination bonuses, then thresholds, severity and check floors."""
        sc = self.catalog.scoring
        findings = list(findings)
        if not findings:
            return 0, Verdict.SAFE
        per_rule: dict[object, int] = {}
        tags: set[str] = set()
        worst = Severity.INFO
        floor = Verdict.SAFE
        for f in findings:
            # One fact counts once: the same rule, or two detectors reporting the same category on
            # the same quoted text (an .apk link seen by the text rules and by the URL inspector).
            key: object = f.rule_id
            if f.category and f.evidence:
                key = (f.category, frozenset(e.text for e in f.evidence))
            per_rule[key] = max(per_rule.get(key, 0), sc.points[f.severity])
            tags.update(f.tags)
            worst = max(worst, f.severity)
            floor = max(floor, self._rule_floors.get(f.rule_id, Verdict.SAFE))
        total = sum(per_rule.values())
        total += sum(c.bonus for c in sc.combos if c.tags <= tags)
        if total >= sc.dangerous:
            verdict = Verdict.DANGEROUS
        elif total >= sc.suspicious:
            verdict = Verdict.SUSPICIOUS
        elif total >= sc.caution:
            verdict = Verdict.CAUTION
        else:
            verdict = Verdict.SAFE
        severity_floor = sc.floors.get(worst)
        if severity_floor is not None:
            verdict = max(verdict, Verdict.parse(severity_floor))
        verdict = max(verdict, floor)
        for cap in sc.caps:
            if cap.tags <= tags and worst < cap.unless:
                verdict = min(verdict, Verdict.parse(cap.verdict))
        return total, verdict

    def combine(self, subject: str, findings: Iterable[Finding] = (),
                parts: Iterable[tuple[int, Verdict]] = (), *,
                incomplete: bool = False) -> tuple[int, Verdict]:
        """The one verdict policy (rules/scoring.toml): a subject's own findings, then its parts'
        (score, verdict) folded as `[subjects]` says, then the floor of an input read in part."""
        fold = self.fold(subject)
        fold.add(*self.score(findings))
        for score, verdict in parts:
            fold.add(score, verdict)
        verdict = max(fold.verdict, self._incomplete) if incomplete else fold.verdict
        return fold.score, verdict

    def fold(self, subject: str) -> Fold:
        """A running (score, verdict) of `subject`'s parts, for parts that stream by (a chat)."""
        mode = self.catalog.scoring.subjects.get(subject)
        if mode is None:
            raise KeyError(f"no [subjects.{subject}] in rules/scoring.toml")
        return Fold(mode)

    # -- text --------------------------------------------------------------------------------------
    def match_text(self, text: str) -> TextOutcome:
        """The text rules and the learned detector over one message (links: `kzscam.pipeline.text`)."""
        norm = normalize(text)
        entities = extract_all(text)
        kinds = {e.kind for e in entities}
        if norm.invisible_chars:
            kinds.add("invisible")
        if norm.mixed_script_words:
            kinds.add("mixed_script")
        if any(_is_payee(e) for e in entities):
            kinds.add("payee")  # somewhere to send money: a card or a phone (a Kaspi transfer)
        if addresses_reader(norm.views[0].text, original=text):
            kinds.add("address")
            if addresses_reader(norm.views[0].text, outside_quotes=True, original=text):
                kinds.add("own_address")
        if any(e.kind == "url" and e.value.lower().split("?")[0].endswith(APP_EXTENSIONS)
               for e in entities):
            kinds.add("app_download")
        scan = Scan(self.table, norm)
        candidates = set(self._always)
        offsets, rules = self._by_term
        for tid in scan.found:
            candidates.update(rules[offsets[tid] : offsets[tid + 1]])
        fired: set[str] = set()
        hits: list[Hit] = []
        present = scan.patterns_found
        gates = self._gates
        for i in sorted(candidates):  # matcher order is signal order
            required, any_of, none_id = gates[i]
            if not required <= present or (any_of and present.isdisjoint(any_of)) or (
                none_id in present
            ):
                continue
            tm = self.text_matchers[i]
            spans = tm.evaluate(scan, fired, kinds)
            if spans is None:
                continue
            fired.add(tm.rule.id)
            evidence = self._entity_evidence(text, tm.has, entities, norm)
            for view, s, e in spans:
                o_s, o_e = _trim(text, *view.span(s, e))
                if o_e > o_s and all((ev.start, ev.end) != (o_s, o_e) for ev in evidence):
                    evidence.append(Evidence(text[o_s:o_e], o_s, o_e))
            evidence.sort(key=lambda ev: ev.start)
            hits.append(Hit(tm.rule.id, tuple(evidence[:6])))
        if _has_wording(text, entities):
            hits.extend(self._learned_hits(text, norm, kinds, fired))
        return TextOutcome(hits, entities)

    def _learned_hits(self, text: str, norm: Normalized, kinds: set[str],
                      fired: set[str]) -> list[Hit]:
        """The learned detector's finding: its probability band, and the words that drove it."""
        model = self.learned
        if model is None:
            return []
        p = model.probability(norm, kinds)
        scoring = self.catalog.scoring
        bands = scoring.learned
        band = next((i for i, (_name, floor) in enumerate(bands) if p >= floor), None)
        if band is None:
            return []
        by_id = self.catalog.by_id
        if scoring.learned_demote and any(not scoring.learned_demote.isdisjoint(by_id[r].tags)
                                          for r in fired if r in by_id):
            band += 1  # a message about a scam: one band lower, none below the lowest
            if band >= len(bands):
                return []
        check = bands[band][0]
        evidence = tuple(Evidence(text[s:e], s, e) for s, e, _w in model.cues(norm) if e > s)
        return [Hit(check, evidence, {"probability": f"{round(100 * p)}%"})]

    @staticmethod
    def _entity_evidence(text: str, kinds: tuple[str, ...], entities: list[Entity],
                         norm: Normalized) -> list[Evidence]:
        """Quote what a `has` matcher relied on: the link, card number, hidden character, ..."""
        out: list[Evidence] = []
        for kind in kinds:
            if kind[0] == "!" or kind in ("address", "own_address"):
                continue  # an absence, or the message's grammar: nothing to quote
            if kind == "invisible":
                pos = [m.start() for m in invisible_in_word().finditer(text, 0)][:3]
                out.extend(Evidence(text[max(0, i - 8) : i + 9], max(0, i - 8), min(len(text), i + 9))
                           for i in pos)
            elif kind == "mixed_script":
                out.extend(Evidence(text[s:e], s, e) for s, e in norm.mixed_spans()[:3])
            else:
                want = "url" if kind in ("app_download", "short_url") else kind
                as_kind: EvidenceKind = "link" if want == "url" else "text"
                out.extend(Evidence(text[e.start : e.end], e.start, e.end, as_kind)
                           for e in entities if e.kind == want
                           or (want == "payee" and _is_payee(e)))
        return out


def _is_payee(entity: Entity) -> bool:
    """A card, or a full phone number a transfer can go to: not a short service number (102,
    1414), which a warning gives to call."""
    return entity.kind == "card" or (
        entity.kind == "phone" and sum(c.isdigit() for c in entity.value) >= 10)


_ENGINES: dict[Config, Engine] = {}
_LOCK = threading.Lock()


def get_engine(config: Config | None = None) -> Engine:
    """The engine for `config`, built once per process (rules compiled once)."""
    config = config or Config()
    engine = _ENGINES.get(config)
    if engine is None:
        with _LOCK:
            engine = _ENGINES.get(config)
            if engine is None:
                engine = _build(config)
                _ENGINES[config] = engine
    return engine


def _build(config: Config) -> Engine:
    """The engine, with the cyclic garbage collector paused: loading or compiling the rules makes
    tens of thousands of objects and no cycles, and the collections those allocations set off
    cost about 10% of loading them (measured)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _build_engine(config)
    finally:
        if enabled:
            gc.enable()


def _build_engine(config: Config) -> Engine:
    """Packaged rules only (the common case) may come from the per-user engine cache."""
    if config.rules_dir is not None or config.disabled_rules:
        return Engine(load_catalog(config.rules_dir, config.disabled_rules), config)
    from kzscam import engine_cache
    from kzscam.rules.loader import packaged_digest

    key = engine_cache.cache_key(packaged_digest())
    image = engine_cache.load(key)
    if image is not None:
        try:
            return Engine.from_image(image, config, lambda: engine_cache.discard(key))
        except Exception:  # any unusable image (wrong shapes, nested too deep): never fatal
            engine_cache.discard(key)
    engine = Engine(load_catalog(), config)
    try:
        image = engine.to_image()
    except (TypeError, ValueError):  # a text the plain form cannot hold (a NUL): no cache
        return engine
    engine_cache.save(key, image)
    return engine


def _joined(texts: list[str]) -> str:
    if any("\x00" in t for t in texts):
        raise ValueError("a rule text holds a NUL character")
    return "\x00".join(texts)


class _TextStore:
    """Rule titles and advice of a cached engine, by language (one marshalled blob each).

    A run reads one language, so each is decoded when first asked for. A blob that cannot be
    decoded (the checksum matched, the content is still unusable) never fails a run: that
    language's texts are then read from the packaged rule files instead.
    """

    def __init__(self, blobs: Mapping[str, bytes], rows: list[Any],
                 on_damage: Callable[[], None] | None = None) -> None:
        self._blobs = {_str(lang): blob for lang, blob in blobs.items()}
        self._rows = rows  # the image's rule rows, for their ids
        self._n = len(rows)
        self._on_damage = on_damage
        self._decoded: dict[str, tuple[list[str], list[str]]] = {}
        self.languages = tuple(self._blobs)

    def get(self, lang: str) -> tuple[list[str], list[str]]:
        texts = self._decoded.get(lang)
        if texts is None:
            try:
                import marshal

                titles, advice = marshal.loads(self._blobs[lang])
                texts = (_str(titles).split("\x00"), _str(advice).split("\x00"))
                if len(texts[0]) != self._n or len(texts[1]) != self._n:
                    raise ValueError("engine image: rule texts and rules differ in number")
            except Exception:  # damaged: the rule files have the same texts
                if self._on_damage is not None:
                    self._on_damage()
                by_id = load_catalog().by_id
                rules = [by_id[row[0]] for row in self._rows]
                texts = ([r.texts.title[lang] for r in rules], [r.texts.advice[lang] for r in rules])
            self._decoded[lang] = texts
        return texts


class _LazyText(Mapping[str, str]):
    """One rule's title (part 0) or advice (part 1) by language, from the shared store."""

    __slots__ = ("_i", "_part", "_store")

    def __init__(self, store: _TextStore, i: int, part: int) -> None:
        self._store, self._i, self._part = store, i, part

    def __getitem__(self, lang: str) -> str:
        if lang not in self._store.languages:
            raise KeyError(lang)
        return self._store.get(lang)[self._part][self._i]

    def __iter__(self) -> Iterator[str]:
        return iter(self._store.languages)

    def __len__(self) -> int:
        return len(self._store.languages)


class _Lexicon(Mapping[str, Sequence[str]]):
    """The shared term lists of a cached engine, decoded when first read: the text rules have them
    compiled into the pattern table already, only the chat cues read them. Unusable data never
    fails a run: the lists are then read from the packaged rule files."""

    def __init__(self, blob: bytes, on_damage: Callable[[], None] | None = None) -> None:
        if not isinstance(blob, bytes):
            raise TypeError("engine image: the lexicon is not bytes")
        self._blob, self._on_damage = blob, on_damage
        self._lists: dict[str, tuple[str, ...]] | None = None

    def _decoded(self) -> dict[str, tuple[str, ...]]:
        lists = self._lists
        if lists is None:
            try:
                import marshal

                lists = marshal.loads(self._blob)
                if not isinstance(lists, dict) or not all(
                        isinstance(k, str) and isinstance(v, tuple)
                        and all(isinstance(t, str) for t in v) for k, v in lists.items()):
                    raise TypeError("engine image: a lexicon of the wrong shape")
            except Exception:  # damaged: the rule files have the same lists
                if self._on_damage is not None:
                    self._on_damage()
                lists = {k: tuple(v) for k, v in load_catalog().lexicon.items()}
            self._lists = lists
        return lists

    def __getitem__(self, name: str) -> tuple[str, ...]:
        return self._decoded()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._decoded())

    def __len__(self) -> int:
        return len(self._decoded())


# -- plain-data form of the pattern table (see Engine.to_image) -------------------------------------
_ARRAY, _AUTOMATON = "\x00array", "\x00automaton"


def _str(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError("expected a string")
    return value


def _strs(values: Iterable[object]) -> tuple[str, ...]:
    return tuple(_str(v) for v in values)


def _plain(value: Any) -> Any:
    """Arrays and the automaton as tagged tuples; other run-time values are plain already."""
    if isinstance(value, array):
        return (_ARRAY, value.typecode, value.tobytes())
    if isinstance(value, _LazyAutomaton):
        value = value.built()
    if type(value).__name__ == "Automaton":
        # Values are (len(word), exact term id, stem term id, author-regex ids): the words in one
        # string, the ids in one array, the regex ids of the few words that have them as tuples.
        # The automaton is rebuilt word by word on load: the library's own serialised trie would
        # load faster, but its C deserialiser trusts the pointers and indexes it is given, and
        # the cache must stay plain data.
        items = sorted(value.items())  # the trie's order depends on insertion order
        ids = array("i")
        raw: dict[int, tuple[int, ...]] = {}
        for i, (word, (length, exact, stem, regexes)) in enumerate(items):
            if length != len(word) or "\x00" in word:
                raise TypeError("unexpected automaton value")
            ids.extend((exact, stem))
            if regexes:
                raw[i] = tuple(regexes)
        return (_AUTOMATON, "\x00".join(w for w, _ in items), ids.tobytes(), raw)
    if isinstance(value, tuple):
        return tuple(_plain(v) for v in value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if value is None or isinstance(value, (str, bytes, int, float, frozenset)):
        return value
    raise TypeError(f"cannot store {type(value).__name__} in the engine cache")


def _unplain(value: Any) -> Any:
    if isinstance(value, tuple):
        if len(value) == 3 and value[0] == _ARRAY:
            out = array(_str(value[1]))
            out.frombytes(value[2])
            return out
        if len(value) == 4 and value[0] == _AUTOMATON:
            return _automaton(_str(value[1]), value[2], value[3])
        return tuple(_unplain(v) for v in value)
    if isinstance(value, list):
        return [_unplain(v) for v in value]
    if isinstance(value, dict):
        return {k: _unplain(v) for k, v in value.items()}
    if value is None or isinstance(value, (str, bytes, int, float, frozenset)):
        return value
    raise TypeError(f"unexpected {type(value).__name__} in the engine cache")


# marshal format of the blobs inside the image: version 2 writes no back-references, so the same
# data always gives the same bytes (later versions mark objects by their reference counts).
_BLOB = 2
_Value = tuple[int, int, int, tuple[int, ...]]  # (len(word), exact id, stem id, regex ids)
# Characters of text a process scans with `_LazyAutomaton`'s look-ups before it builds the real
# Aho-Corasick automaton: building it (about 5,400 words) costs about as much as those look-ups
# over 2,000 characters (measured), so a one-message run never builds it and a batch does so
# within its first few dozen messages.
SCAN_BEFORE_AUTOMATON = 2000


class _LazyAutomaton:
    """The pattern table's Aho-Corasick automaton as loaded from the engine cache, built only once
    enough text has been scanned to pay for building it.

    Until then `iter` finds the same matches by looking up, at each position, every word length
    ending there in a dictionary of the words: the same (end, value) pairs in the same order (by
    end position, longest word first) as the automaton's `iter` (a test compares them). Loading
    keeps the words as one string and the ids as one array: the dictionary is made on the first
    scan and a word's value when it is found (making all 5,800 values on load cost ~1.4 ms).
    """

    def __init__(self, joined: str, ids: array[int], raw: Mapping[int, tuple[int, ...]]) -> None:
        self._joined, self._ids, self._raw = joined, ids, raw
        self._index: dict[str, int] | None = None
        self._lengths: list[int] = []
        self._built: Any = None
        self._scanned = 0

    def _value(self, i: int, word: str) -> _Value:
        return (len(word), self._ids[2 * i], self._ids[2 * i + 1], self._raw.get(i, ()))

    def _words(self) -> list[str]:
        return self._joined.split("\x00")

    def built(self) -> Any:
        """The real automaton (built on first call)."""
        automaton = self._built
        if automaton is None:
            import ahocorasick

            automaton = ahocorasick.Automaton()
            words = self._words()
            deque(map(automaton.add_word, words, map(self._value, range(len(words)), words)),
                  maxlen=0)
            automaton.make_automaton()
            self._built = automaton
        return automaton

    def iter(self, text: str) -> Iterator[tuple[int, _Value]]:
        if self._built is None and self._scanned + len(text) <= SCAN_BEFORE_AUTOMATON:
            self._scanned += len(text)
            return iter(self.scan(text))
        return cast(Iterator[tuple[int, _Value]], self.built().iter(text))

    def scan(self, text: str) -> list[tuple[int, _Value]]:
        """Every (end, value) of `iter`, by dictionary look-ups (cost: positions x lengths)."""
        index = self._index
        if index is None:
            words = self._words()
            index = self._index = dict(zip(words, range(len(words)), strict=True))
            self._lengths = sorted(set(map(len, words)), reverse=True)
        get = index.get
        lengths = self._lengths
        found: list[tuple[int, _Value]] = []
        for stop in range(1, len(text) + 1):
            for size in lengths:
                if size <= stop:
                    word = text[stop - size : stop]
                    i = get(word)
                    if i is not None:
                        found.append((stop - 1, self._value(i, word)))
        return found

    def items(self) -> Any:
        return self.built().items()


def _automaton(joined: str, id_bytes: bytes, raw: Mapping[int, tuple[int, ...]]) -> _LazyAutomaton:
    """The automaton's words and values from their plain form (see `_plain`), checked in C-level
    loops; the values are made when a scan or the automaton needs them."""
    n = joined.count("\x00") + 1
    ids = array("i")
    ids.frombytes(id_bytes)
    if len(ids) != 2 * n:
        raise ValueError("automaton image: words and ids differ in number")
    if not all(type(i) is int and 0 <= i < n for i in raw):
        raise ValueError("automaton image: a regex entry names no word")
    if any(type(r) is not tuple for r in raw.values()):
        raise TypeError("automaton image: regex ids are not tuples")
    array("i", chain.from_iterable(raw.values()))  # every regex id an int, or TypeError
    return _LazyAutomaton(joined, ids, raw)


def _table_image(table: PatternTable) -> dict[str, Any]:
    return {k: _plain(v) for k, v in table.__getstate__().items()}


def _table_from_image(image: Mapping[str, Any]) -> PatternTable:
    expected = set(PatternTable().__getstate__())
    if set(image) != expected:
        raise ValueError("pattern table fields differ from this version")
    table = PatternTable.__new__(PatternTable)
    state = {k: _unplain(v) for k, v in image.items()}
    if not isinstance(state["_sources"], bytes):
        raise TypeError("pattern table image: term sources are not bytes")
    # Per-process caches start empty whatever the image says (they hold compiled regexes).
    fresh = PatternTable().__getstate__()
    for name in PatternTable._LAZY:
        state[name] = fresh[name]
    state["_always_set"], state["_raw_order"], state["_views_seen"] = None, [], 0
    table.__setstate__(state)
    return table
