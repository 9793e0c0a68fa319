"""Which rule terms occur in a message: an Aho-Corasick literal prefilter confirmed by RE2.

Every term of every text rule is one small RE2 regex. A rule's term list is a "pattern": it occurs
when any of its terms occurs. One Aho-Corasick pass over each view finds the terms whose required
literal word is present; only those are compiled (lazily, ~40 us each, once per process) and
confirmed. Measured here: an RE2 Set of all ~3,300 terms was slower (its DFA outgrows any sane
memory budget and RE2 falls back to the NFA: ~2.4 ms per message against ~0.6 ms), so there is no
Set. RE2 never backtracks, so hostile input cannot make matching slower than linear.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Sequence
from typing import Any

import re2

from kzscam.lazyre import lazy_re
from kzscam.rules.schema import RuleError
from kzscam.rules.terms import (
    NW,
    WORD_CLASS,
    is_cyrillic,
    narrow_classes,
    re2_options,
    term_atoms,
    term_literals,
    term_regex,
)
from kzscam.text.normalize import Normalized, View, fold

# Generated term regexes alternate disjoint character classes, so the stdlib engine (10x less call
# overhead than the RE2 binding) matches them in linear time per start position; its worst case is
# quadratic in the text length, which is harmless up to this many characters. Longer texts and
# rule authors' own regexes always go through RE2.
SHORT_TEXT = 1024
ALWAYS_SET_AFTER = 32
_CLAUSE_ENDS = ",.;:!?\n"
# Kazakh negates after the word: "код керек емес" (no code is needed), "карта емес". The matched
# words, then at most one more word, then "емес" (Latin-script "emes" is transliterated by then).
# A general statement of what an organisation never does negates every request in its sentence:
# "сотрудник банка никогда не попросит назвать код, CVV или установить AnyDesk", "Ұлттық банк
# кодты, CVV-ді сұрамайды", "we will never ask you to install". Russian and English put the
# negation before the requests; Kazakh puts the negative verb (third person or "we") at the end.
# Only verbs of asking, calling, sending, paying and offering count: a scam's own "никогда такого
# не будет, срочно переведите" negates nothing. Searched within the sentence, at most
# _NEVER_REACH characters either side of the request (a sentence that runs on without a full stop,
# "she doesn't ask for fees ... click the link below", is not one statement).
_NEVER_BEFORE = lazy_re(
    r"(?<!\w)(?:никогда(?:\s+\w+){0,2}?\s+не|ни\s+при\s+каких\s+условиях(?:\s+\w+){0,2}?\s+не|"
    r"не\s+(?:просит|просят|попросит|попросят|звонит|звонят|позвонит|позвонят|требует|требуют|"
    r"присылает|присылают|пришлет|пришлют|рассылает|рассылают|спрашивает|спрашивают|"
    r"предлагает|предлагают|выплачивает|выплачивают|обслуживает|обслуживают|проводит|проводят|"
    r"связывается|связываются|уточняет|уточняют|запрашивает|запрашивают)|"
    r"(?:never|will\s+not|won'?t|does\s+not|doesn'?t|do\s+not)\s+(?:\w+\s+){0,2}?"
    r"(?:ask|asks|call|calls|contact|contacts|send|sends|request|requests|require|requires|text|"
    r"texts|email|emails|phone|phones|offer|offers|pay|pays)\s+(?:for\s+)?(?:you|your))(?!\w)")
_NEVER_AFTER = lazy_re(
    r"(?<!\w)(?:сура|жибер|хабарлас|шал|аит|бер|орнат|толе|аудар|ет|сакта|усин|тапсыр|кабилда|"
    r"корсет|жаз|сал|алмастир|аиирбаста|жургиз|ал|кел|шакир|талап ет|байланис)"
    r"(?:ма|ме|па|пе|ба|бе)(?:иди|имиз)(?!\w)")
# The same "does not" verbs in Latin-script Kazakh, as the folded Latin view spells them
# ("bolmaıdy" -> "bolmaidy", "surамайды" -> "suramaidy").
_NEVER_AFTER_LATIN = lazy_re(
    r"(?<!\w)(?:sura|jiber|zhiber|habarlas|xabarlas|shal|ait|ber|ornat|tole|audar|et|saqta|usyn|tapsyr|qabylda|"
    r"korset|jaz|zhaz|sal|aiyrbasta|jurgiz|zhurgiz|al|kel|bol|bailanys)(?:ma|me|pa|pe|ba|be)(?:idy|idi|ydy|imiz|ymyz)(?!\w)")
_NEVER_REACH = 150
# Kazakh negates a verb inside the word: "жібер*" also matches "жібермеңіз" (do not send) and
# "орнатпаңдар" (do not install). Only verbs whose "-ма" form is not also a common noun: the
# polite negative "-маңыз" is spelt like "your ..." of such nouns ("сәлемдемеңіз", your parcel;
# "тапсырмаңыз", your task; "аудармаңыз", your translation).
_KK_NEGATIVE_BARE = lazy_re(
    r"(?:жибер|аит|бер|орнат|аш|сал|енгиз|корсет|сен|кир|сканерле|бас|толе|толтир|хабарлас|кос|"
    r"соилес|келис|тинда|жукте|раста|бил|таниста|кабилда)"
    r"(?:ме|ма|пе|па|бе|ба)(?:ши|низ|низдар|ндар|ндер)?")
_KK_NEGATIVE_BARE_LATIN = lazy_re(
    r"(?:jiber|zhiber|ait|ber|ornat|ash|sal|engiz|korset|sen|kir|skanerle|bas|tole|toltyr|habarlas|xabarlas|qos|"
    r"soiles|kelis|tyinda|jukte|zhukte|rasta|bil|tanysta|qabylda)"
    r"(?:me|ma|pe|pa|be|ba)(?:shy|shi|nyz|niz|nyzdar|nizder|ndar|nder)?")
_WORD_CHAR = re.compile(r"\w")
# Someone else's words in quotes, then "деген / деп / дейді" (so-called, saying): the writer quotes
# a scam ("«Картаңызды жалға беріңіз» деген ұсыныстар"), they do not make the request.
_QUOTE_OPEN = "«\"“„"
_QUOTE_CLOSE = "»\"”“"
# «NoToDesk» деп жазып / іздеп = "type «NoToDesk» into the search": an instruction, not a report.
_QUOTED_SAYING = lazy_re(r"[»\"”“]\s*[-—–,]?\s*(?:деген|деп(?!\s+(?:жазип|жазиниз|изде|терип|терин))"
                         r"|депти|депсиз|дейди|деди|дейтин|деседи|десе|деса"
                         r"|degen|dep(?!\s+(?:jazyp|zhazyp|jazynyz|izde))|depti|deidi|dedi|deitin|dese)(?!\w)")
# ... or introduced as someone's words: "Қыз жазып жатыр: «...»", "пишет: «...»", "he wrote: "..."" (folded)
_QUOTED_INTRO = lazy_re(r"(?<!\w)(?:жазип жатир|жазипти|жазди|аитти|аитип жатир|пишет|пишут|написал\w*|"
                        r"говорит|говорят|сказал\w*|writes|wrote|says|said)\s*:?\s*$")
_SENTENCE_ENDS = ".!?\n"
_POST_NEGATION = lazy_re(r"[^\w,.;:!?\n]*(?:\w+[^\w,.;:!?\n]+)?(?:емес|emes)(?!\w)")
# "если не оплатите, ... заблокируют", "unless you pay", "if you don't update": a condition of a threat,
# not a negation of what follows. The negation word right after "если (вы|ты)" / "if you" is skipped.
# "если не оплатите", "if not you, call ...", "if this was not you": a condition, not a denial.
_CONDITIONAL = lazy_re(r"(?:^|[^\w])(?:если|если вы|если ты|если это|if|if you|if u|if it was|if this was"
                       r"|if that was|if it is|if this is)\s+$")
_WORD_CHARS = frozenset("0123456789abcdefghijklmnopqrstuvwxyz" + "".join(map(chr, range(0x430, 0x450))))
_WORD_RUN = lazy_re(f"[{WORD_CLASS}]*")
_RAW = "re:"  # snapshot key prefix of a rule's own regex (terms are stored as their text)
MIN_ATOM = 3  # shortest word of a multi-word term worth prefiltering on
MAX_SPANS = 16  # evidence per term per view: enough to quote, bounded on huge inputs


def csr(rows: Sequence[Sequence[int]], *, compact: bool = False) -> tuple[array[int], array[int]]:
    """Rows of ints as two flat arrays (offsets, values): two objects to load instead of thousands.

    `compact`: values of two bytes each when they fit (ids below 65,536), which halves the largest
    arrays of the engine cache and so what every start reads, checks and copies.
    """
    small = compact and all(0 <= v < 1 << 16 for row in rows for v in row)
    offsets, values = array("i", [0]), array("H" if small else "i")
    for row in rows:
        values.extend(row)
        offsets.append(len(values))
    return offsets, values


def _kk_negative_verb(text: str, end: int) -> bool:
    """The word the span ends in is a Kazakh negative imperative ("жібермеңіз")."""
    low = end
    while low > 0 and _WORD_CHAR.match(text, low - 1) and end - low < 30:
        low -= 1
    high = end
    while high < len(text) and _WORD_CHAR.match(text, high) and high - end < 12:
        high += 1
    return (_KK_NEGATIVE_BARE.fullmatch(text, low, high) is not None
            or _KK_NEGATIVE_BARE_LATIN.fullmatch(text, low, high) is not None)


def _quoted_saying(text: str, start: int, end: int) -> bool:
    """The span is inside quotes that are followed by "деген"/"деп": reported words, not a request."""
    low = max(0, start - 200)
    opened = max(text.rfind(c, low, start) for c in _QUOTE_OPEN)
    if opened < 0:
        return False
    closes = [i for i in (text.find(c, end, end + 200) for c in _QUOTE_CLOSE) if i >= 0]
    if not closes:
        return False
    return (_QUOTED_SAYING.match(text, min(closes)) is not None
            or _QUOTED_INTRO.search(text, max(0, opened - 40), opened) is not None)


def _never_statement(text: str, start: int, end: int) -> bool:
    """The span sits in a sentence saying what someone never does (see _NEVER_BEFORE)."""
    low = max(0, start - _NEVER_REACH)
    cut = max(text.rfind(c, low, start) for c in _SENTENCE_ENDS)
    low = cut + 1 if cut >= 0 else low
    high = min(len(text), end + _NEVER_REACH)
    stops = [i for i in (text.find(c, end, high) for c in _SENTENCE_ENDS) if i >= 0]
    high = min(stops) if stops else high
    return (_NEVER_BEFORE.search(text, low, start) is not None
            or _NEVER_AFTER.search(text, low, high) is not None
            or _NEVER_AFTER_LATIN.search(text, low, high) is not None)


class PatternTable:
    """Terms (deduplicated), patterns (sets of term ids) and the machinery to find them.

    Built from rules with `add_terms`/`add_regex`, then `freeze` derives the run-time form: the
    automaton and flat arrays, which is all that is pickled into the per-user engine cache (loading
    a few large objects is much faster than loading many small ones: start-up time is measured).
    """

    _BUILD_ONLY = ("term_sources", "term_keys", "term_literal", "term_cyrillic", "patterns",
                   "list_cache", "_term_index", "_key_index", "_pattern_index")
    _LAZY = ("_compiled", "_quick", "_psets", "_msets", "_atom_terms", "_tpats", "_pregex")

    def __init__(self) -> None:
        # Build form.
        self.term_sources: list[str] = []
        self.term_keys: list[str] = []
        self.term_literal: list[str | None] = []
        self.term_cyrillic: list[bool] = []
        self.patterns: list[tuple[int, ...]] = []
        self.list_cache: dict[tuple[str, ...], int] = {}
        self._term_index: dict[str, int] = {}
        self._key_index: dict[str, int] = {}
        self._pattern_index: dict[tuple[int, ...], int] = {}
        # Run-time form (see freeze).
        self.n_terms = 0
        self._automaton: Any = None
        self._sources = b""  # every term's regex, UTF-8: decoded one term at a time (see source)
        self._source_ends: array[int] = array("i", [0])  # byte offsets
        self._cyrillic = b""
        self._always: tuple[int, ...] = ()
        self._raw: frozenset[int] = frozenset()
        empty = (array("i", [0]), array("i"))
        self._term_patterns = self._pattern_terms = self._atom_single = empty
        self._atom_multi = self._multi_atoms = empty
        # Filled lazily per process.
        self._compiled: dict[int, Any] = {}
        self._quick: dict[int, Any] = {}
        self._psets: dict[int, frozenset[int]] = {}
        self._msets: dict[int, frozenset[int]] = {}
        self._atom_terms: dict[int, tuple[tuple[int, ...], tuple[int, ...]]] = {}
        self._tpats: dict[int, tuple[int, ...]] = {}
        self._pregex: dict[int, Any] = {}
        self._always_set: Any = None
        self._raw_order: list[int] = []
        self._views_seen = 0

    def __getstate__(self) -> dict[str, Any]:
        """The run-time form only; compiled regexes and Sets are rebuilt lazily after loading."""
        state = dict(self.__dict__)
        for name in self._BUILD_ONLY:
            state.pop(name, None)
        for name in self._LAZY:
            state[name] = {}
        state["_always_set"], state["_raw_order"] = None, []
        state["_views_seen"] = 0
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    def snapshot(self) -> dict[str, Any]:
        """Compact form for the rule image: term texts (their regexes are in the term cache)."""
        return {"terms": self.term_keys, "patterns": [list(p) for p in self.patterns]}

    @classmethod
    def from_snapshot(cls, snap: dict[str, Any]) -> PatternTable:
        table = cls()
        for key in snap["terms"]:
            if key.startswith(_RAW):
                table._add_term(key[len(_RAW):], None, key=key)
            else:
                table._add_term(f"(?:^|{NW})({term_regex(key)})", term_literals(key), key=key)
        table.patterns = [tuple(p) for p in snap["patterns"]]
        return table

    def _add_term(self, source: str, literal: str | None, compiled: Any = None, *,
                  key: str) -> int:
        tid = self._term_index.get(source)
        if tid is None:
            tid = self._term_index[source] = len(self.term_sources)
            self.term_sources.append(source)
            self.term_keys.append(key)
            self.term_literal.append(literal)
            # Only terms with Cyrillic letters can match the transliterated view usefully.
            self.term_cyrillic.append(is_cyrillic(source if key.startswith(_RAW) else fold(key)))
            if compiled is not None:
                self._compiled[tid] = compiled
        return tid

    def _add_pattern(self, tids: Sequence[int]) -> int:
        key = tuple(sorted(set(tids)))
        pid = self._pattern_index.get(key)
        if pid is None:
            pid = self._pattern_index[key] = len(self.patterns)
            self.patterns.append(key)
        return pid

    def add_terms(self, terms: Sequence[str], where: str) -> int:
        # Lexicon lists bring the same term into many patterns: look each text up once.
        by_key = self._key_index
        ids = []
        for t in terms:
            tid = by_key.get(t)
            if tid is None:
                tid = by_key[t] = self._add_term(f"(?:^|{NW})({term_regex(t)})", term_literals(t),
                                                 key=t)
            ids.append(tid)
        return self._add_pattern(ids)

    def add_regex(self, pattern: str, where: str) -> int:
        source = f"({narrow_classes(pattern)})"
        try:
            compiled = re2.compile(source, options=re2_options())
        except Exception as exc:  # re2.error: a rule author's mistake, reported at load time
            raise RuleError(f"{where}: pattern does not compile in RE2: {exc}") from None
        return self._add_pattern([self._add_term(source, None, compiled, key=_RAW + source)])

    # -- run-time form -----------------------------------------------------------------------------
    def source(self, tid: int) -> str:
        """A term's regex. The table keeps them as one UTF-8 byte string: a message compiles a few
        dozen of the thousands, and loading them as text would decode all (~0.5 ms a start)."""
        return self._sources[self._source_ends[tid] : self._source_ends[tid + 1]].decode()

    def pattern_terms(self, pid: int) -> array[int]:
        offsets, values = self._pattern_terms
        return values[offsets[pid] : offsets[pid + 1]]

    def pattern_set(self, pid: int) -> frozenset[int]:
        found = self._psets.get(pid)
        if found is None:
            found = self._psets[pid] = frozenset(self.pattern_terms(pid))
        return found

    def term_patterns(self, tid: int) -> tuple[int, ...]:
        found = self._tpats.get(tid)
        if found is None:
            offsets, values = self._term_patterns
            found = self._tpats[tid] = tuple(values[offsets[tid] : offsets[tid + 1]])
        return found

    def pattern_regex(self, pid: int) -> Any:
        """One RE2 alternation of a pattern's terms, for short windows (see Scan.negated)."""
        compiled = self._pregex.get(pid)
        if compiled is None:
            source = "|".join(self.source(t) for t in self.pattern_terms(pid))
            compiled = self._pregex[pid] = re2.compile(source, options=re2_options())
        return compiled

    def quick(self, tid: int) -> Any:
        """The stdlib-`re` form of a generated term, for short texts only (see SHORT_TEXT)."""
        pattern = self._quick.get(tid)
        if pattern is None:
            pattern = self._quick[tid] = re.compile(self.source(tid))
        return pattern

    def compiled(self, tid: int) -> Any:
        pattern = self._compiled.get(tid)
        if pattern is None:
            pattern = self._compiled[tid] = re2.compile(self.source(tid), options=re2_options())
        return pattern

    def freeze(self) -> None:
        """Derive the run-time form from the build form."""
        import ahocorasick

        self.n_terms = len(self.term_sources)
        encoded = [src.encode() for src in self.term_sources]
        self._sources = b"".join(encoded)
        self._source_ends = array("i", [0])
        for src in encoded:
            self._source_ends.append(self._source_ends[-1] + len(src))
        self._cyrillic = bytes(self.term_cyrillic)
        self._pattern_terms = csr(self.patterns, compact=True)
        by_term: list[list[int]] = [[] for _ in self.term_sources]
        for pid, tids in enumerate(self.patterns):
            for tid in tids:
                by_term[tid].append(pid)
        self._term_patterns = csr(by_term, compact=True)
        # Every word of every term is an "atom": a literal at a word start that either ends the
        # word (exact) or may continue it (stem). A one-word term is its atom; a longer term is a
        # candidate for its regex only when all its atoms occurred.
        atoms: dict[tuple[str, bool], int] = {}
        single: list[list[int]] = []
        multi: list[list[int]] = []
        multi_atoms: list[list[int]] = [[] for _ in self.term_sources]
        always: list[int] = []

        def atom(literal: str, stem: bool) -> int:
            aid = atoms.get((literal, stem))
            if aid is None:
                aid = atoms[(literal, stem)] = len(atoms)
                single.append([])
                multi.append([])
            return aid

        for tid, lit in enumerate(self.term_literal):
            if lit is None:
                always.append(tid)
                continue
            words = term_atoms(self.term_keys[tid])
            if len(words) == 1:
                # a one-word term is confirmed by its atom's hit: each spelling is its own atom
                lits, stem = words[0]
                for lit in lits:
                    single[atom(lit, stem)].append(tid)
                continue
            # a longer term's regex confirms it: a voiced stem's atom is the common beginning
            plain = [(lits[0] if len(lits) == 1 else lits[0][:-1], stem or len(lits) > 1)
                     for lits, stem in words]
            ids = [atom(w, stem) for w, stem in plain]
            trigger = max(range(len(plain)), key=lambda i: len(plain[i][0]))
            multi[ids[trigger]].append(tid)
            # Very short words ("в", "на", "to") are in nearly every message: not worth a check.
            multi_atoms[tid] = sorted({a for a, (w, _stem) in zip(ids, plain, strict=True)
                                       if len(w) >= MIN_ATOM} | {ids[trigger]})
        # A rule author's regex joins the automaton through its literal factors when it has any
        # (see factors.py); the rest run on every view.
        from kzscam.rules.factors import factors

        raw_by_literal: dict[str, list[int]] = {}
        unfiltered: list[int] = []
        for tid in always:
            needed = factors(self.term_sources[tid])
            if needed is None:
                unfiltered.append(tid)
            else:
                for literal in needed:
                    raw_by_literal.setdefault(literal, []).append(tid)
        self._always, self._raw = tuple(unfiltered), frozenset(always)
        self._atom_single = csr(single, compact=True)
        self._atom_multi = csr(multi, compact=True)
        self._multi_atoms = csr(multi_atoms, compact=True)
        wanted = {a for a, terms in enumerate(single) if terms}
        wanted.update(a for group in multi_atoms for a in group)
        by_literal: dict[str, list[Any]] = {lit: [-1, -1, tuple(tids)]
                                            for lit, tids in raw_by_literal.items()}
        for (literal, stem), aid in atoms.items():
            if aid not in wanted:
                continue
            slot = by_literal.setdefault(literal, [-1, -1, ()])
            slot[1 if stem else 0] = aid
        if by_literal:
            automaton = ahocorasick.Automaton()
            for literal, (exact_id, stem_id, raw) in by_literal.items():
                automaton.add_word(literal, (len(literal), exact_id, stem_id, raw))
            automaton.make_automaton()
            self._automaton = automaton

    def _raw_matching(self, text: str, candidates: set[int]) -> set[int]:
        """Which candidate author regexes match: one by one for the first few views (nothing to
        set up), then one RE2 Set pass over all of them (one call instead of several)."""
        if self._always_set is None and self._views_seen > ALWAYS_SET_AFTER:
            raw = sorted(self._raw)
            always_set = re2.Set.SearchSet(re2_options())
            for tid in raw:
                always_set.Add(self.source(tid))
            always_set.Compile()
            self._always_set, self._raw_order = always_set, raw
        if self._always_set is None:
            return {tid for tid in candidates if self.compiled(tid).search(text) is not None}
        return {self._raw_order[i] for i in self._always_set.Match(text) or []} & candidates

    def _unpack_atom(self, aid: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """(one-word terms, multi-word terms) of an atom, from the flat arrays, once per process."""
        s_off, s_ids = self._atom_single
        m_off, m_ids = self._atom_multi
        terms = self._atom_terms[aid] = (tuple(s_ids[s_off[aid] : s_off[aid + 1]]),
                                         tuple(m_ids[m_off[aid] : m_off[aid + 1]]))
        return terms

    def _multi_set(self, tid: int) -> frozenset[int]:
        found = self._msets.get(tid)
        if found is None:
            offsets, values = self._multi_atoms
            found = self._msets[tid] = frozenset(values[offsets[tid] : offsets[tid + 1]])
        return found

    def view_spans(self, view: View) -> dict[int, list[tuple[int, int]]]:
        """Every term found in `view`, with its spans (at most MAX_SPANS each) in view positions.

        One Aho-Corasick pass finds the literal words. A one-word term (3 in 4 terms) is confirmed
        right there by looking at the characters around the literal: a word start before it, a
        word end after it (or the rest of the word for a stem). Only multi-word terms and rule
        authors' regexes run a regex, and only when their literal occurred.
        """
        text = view.text
        found: dict[int, list[tuple[int, int]]] = {}
        if not self.n_terms:
            return found
        self._views_seen += 1
        regex_terms: set[int] = set()
        raw_candidates: set[int] = set(self._always)  # authors' regexes to try on this view
        if self._automaton is not None:
            n = len(text)
            word = _WORD_CHARS
            word_end = _WORD_RUN.match
            seen: dict[int, list[tuple[int, int]]] = {}
            for last, (size, exact, stem, raw) in self._automaton.iter(text):
                if raw:
                    raw_candidates.update(raw)
                start = last - size + 1
                if start and text[start - 1] in word:
                    continue
                end = last + 1
                if exact >= 0 and (end == n or text[end] not in word):
                    spans = seen.setdefault(exact, [])
                    if len(spans) < MAX_SPANS:
                        spans.append((start, end))
                if stem >= 0:
                    spans = seen.setdefault(stem, [])
                    if len(spans) < MAX_SPANS:
                        rest = word_end(text, end)  # always matches (possibly empty)
                        spans.append((start, rest.end() if rest else end))
            atom_terms = self._atom_terms
            for aid, spans in seen.items():
                terms = atom_terms.get(aid) or self._unpack_atom(aid)
                for tid in terms[0]:
                    prev = found.get(tid)  # a voiced Kazakh stem is two atoms (see term_atoms)
                    found[tid] = spans if prev is None else sorted(prev + spans)[:MAX_SPANS]
                for tid in terms[1]:
                    if seen.keys() >= self._multi_set(tid):
                        regex_terms.add(tid)
        if raw_candidates:
            regex_terms.update(self._raw_matching(text, raw_candidates))
        if regex_terms:
            # stdlib `re` searches cost less per call but compile ~10x slower than RE2: worth it only
            # for short texts once a batch is under way (and never for authors' own regexes).
            short = len(text) <= SHORT_TEXT and self._views_seen > ALWAYS_SET_AFTER
            for tid in regex_terms:
                matcher = self.quick(tid) if short and tid not in self._raw else self.compiled(tid)
                spans = []
                for m in matcher.finditer(text):
                    start, end = m.span(1)
                    while end > start and not text[end - 1].isalnum():
                        end -= 1
                    spans.append((start, end))
                    if len(spans) >= MAX_SPANS:
                        break
                if spans:
                    found[tid] = spans
        if view.name == "translit":
            found = {tid: spans for tid, spans in found.items() if self._cyrillic[tid]}
        return found


Span = tuple[View, int, int]


class Scan:
    """Per-message matching state: which terms occur in which view, with their spans."""

    def __init__(self, table: PatternTable, norm: Normalized) -> None:
        self.table = table
        self.view_terms: list[tuple[View, dict[int, list[tuple[int, int]]]]] = []
        found: set[int] = set()
        self._by_view: dict[int, dict[int, list[tuple[int, int]]]] = {}
        for view in norm.views:
            spans = table.view_spans(view)
            if spans:
                self._by_view[id(view)] = spans
                self.view_terms.append((view, spans))
                found.update(spans)
        self.found = found
        self.patterns_found: set[int] = set()
        for tid in found:
            self.patterns_found.update(table.term_patterns(tid))
        self._spans: dict[int, list[Span]] = {}

    def occurs(self, pid: int) -> bool:
        return pid in self.patterns_found

    def spans(self, pid: int) -> list[Span]:
        cached = self._spans.get(pid)
        if cached is not None:
            return cached
        out: list[Span] = []
        terms = self.table.pattern_set(pid)
        for view, found in self.view_terms:
            for tid in sorted(found.keys() & terms):
                out.extend((view, start, end) for start, end in found[tid])
        out.sort(key=lambda s: s[1])
        self._spans[pid] = out
        return out

    def negated(self, span: Span, neg_pid: int | None, window: int) -> bool:
        """A negation term ends within `window` characters before the span ("никому не" + "сообщ"),
        or Kazakh "емес" follows it ("код керек емес")."""
        view, start, end = span
        if neg_pid is None:
            # Rules whose own words hold a negation ("никому не говорите") take no negation, but
            # quoted words are still someone else's.
            return _quoted_saying(view.text, start, end)
        if (_POST_NEGATION.match(view.text, end, end + 40) or _never_statement(view.text, start, end)
                or _kk_negative_verb(view.text, end) or _quoted_saying(view.text, start, end)):
            return True
        if neg_pid not in self.patterns_found:
            return False
        low = max(0, start - window)
        # Negation does not cross a clause boundary: "не доставлена, обновите" negates nothing.
        chunk = view.text[low:start]
        cut = max(chunk.rfind(c) for c in _CLAUSE_ENDS)
        if cut >= 0:
            low += cut + 1
        found = self._by_view.get(id(view), {})
        if any(len(found[t]) >= MAX_SPANS for t in found.keys() & self.table.pattern_set(neg_pid)):
            # Spans stop at MAX_SPANS per term: a negation word that common ("не" in a long text)
            # may be missing from them, so search the window itself.
            return self.table.pattern_regex(neg_pid).search(view.text[low:start]) is not None
        return any(neg_view is view and s >= low and e <= start
                   and not _CONDITIONAL.search(view.text, max(0, s - 12), s)
                   for neg_view, s, e in self.spans(neg_pid))
