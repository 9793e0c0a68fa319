"""Literal factors of a rule author's regex: strings of which every match contains at least one.

Generated terms carry their literal word, so an Aho-Corasick pass decides which of them to try.
A rule's own regex has none, and without one it would run on every message. This module reads the
regex's syntax tree (the stdlib parser; the syntax RE2 accepts for our rules is a subset) and
derives a set of strings such that any match must contain one of them, the way RE2's and code
search's prefilters do. If no useful set can be derived (a pattern of digits and classes, an
unknown construct, case-insensitive flags), the answer is None and the regex keeps running on
every message: the analysis may give up, but it never drops a match.
"""

from __future__ import annotations

import importlib
import re
import warnings
from typing import Any

# The stdlib's own regex parser (private modules, not in the type stubs; stable since 3.11).
parser: Any = importlib.import_module("re._parser")
c: Any = importlib.import_module("re._constants")

# Syntax the stdlib parser accepts but reads differently from RE2: POSIX classes ([[:digit:]] is a
# set of letters to Python), "{,n}" (a literal in RE2, a repeat in Python), quoting.
_RE2_ONLY = ("[:", "{,", "\\Q", "\\E")
MIN_FACTOR = 3  # shorter factors occur in nearly every message: no use as a filter
_UNICODE_CLASS = re.compile(r"[pP](?:\{[A-Za-z_]+\}|[A-Za-z])")
_MAX_EXACT = 64  # largest finite set of strings tracked for a sub-pattern
_MAX_CLASS = 6  # a character class this small is still "exact" ([щш] -> {"щ", "ш"})

Exact = frozenset[str] | None  # every string the part can match (None: too many / unknown)
Required = frozenset[str] | None  # every match contains one of these (None: no requirement known)


def factors(pattern: str) -> frozenset[str] | None:
    """Strings (each at least MIN_FACTOR long) of which every match of `pattern` contains one."""
    if any(token in pattern for token in _RE2_ONLY):
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "possible nested set" and similar FutureWarnings
            parsed = parser.parse(_widen_unicode_classes(pattern))
    except Exception:  # re.error, or syntax only RE2 knows: no prefilter
        return None
    if parsed.state.flags & (c.SRE_FLAG_IGNORECASE | c.SRE_FLAG_VERBOSE):
        return None
    exact, required = _sequence(list(parsed))
    return _best(required, _usable(exact))


def _widen_unicode_classes(pattern: str) -> str:
    """RE2's Unicode classes (\\p{Cyrillic}, \\P{L}) read as "any character".

    The stdlib parser does not know them. Each matches one character, and a broader pattern has no
    more required strings, so the factors stay sound. Inside a [...] set the class becomes the set
    body \\s\\S, outside it the set [\\s\\S].
    """
    out: list[str] = []
    i, in_set, n = 0, False, len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "\\" and i + 1 < n:
            m = _UNICODE_CLASS.match(pattern, i + 1)
            if m:
                out.append("\\s\\S" if in_set else "[\\s\\S]")
                i = m.end()
                continue
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if not in_set and ch == "[":
            in_set = True
            out.append(ch)
            i += 1
            if i < n and pattern[i] == "^":
                out.append("^")
                i += 1
            if i < n and pattern[i] == "]":  # a leading "]" is a member, not the end
                out.append("]")
                i += 1
            continue
        if in_set and ch == "]":
            in_set = False
        out.append(ch)
        i += 1
    return "".join(out)


def _usable(strings: Exact) -> Required:
    """A finite set of match strings is itself a requirement when none is too short."""
    if strings is None or not strings or any(len(s) < MIN_FACTOR for s in strings):
        return None
    return strings


def _best(a: Required, b: Required) -> Required:
    """The more selective requirement: longer shortest string, then fewer strings."""
    if a is None or b is None:
        return a if b is None else b
    key_a = (min(map(len, a)), -len(a))
    key_b = (min(map(len, b)), -len(b))
    return a if key_a >= key_b else b


def _sequence(items: list[tuple[Any, Any]]) -> tuple[Exact, Required]:
    run: frozenset[str] = frozenset({""})  # exact strings of the current run of exact parts
    whole: Exact = run  # the whole sequence, while every part is exact
    best: Required = None
    for item in items:
        exact, required = _node(item)
        best = _best(best, required)
        if exact is not None and len(run) * len(exact) <= _MAX_EXACT:
            run = frozenset(a + b for a in run for b in exact)
            if whole is not None:
                whole = run
            continue
        # The run ends here: whatever it matched is a requirement of the whole sequence.
        best = _best(best, _usable(run))
        whole = None
        run = exact if exact is not None else frozenset({""})
    best = _best(best, _usable(run))
    return whole, best


def _node(item: tuple[Any, Any]) -> tuple[Exact, Required]:
    op, av = item
    if op is c.LITERAL:
        return frozenset({chr(av)}), None
    if op is c.AT or op in (c.ASSERT, c.ASSERT_NOT):
        return frozenset({""}), None  # zero-width: consumes nothing
    if op is c.IN:
        return _class(av), None
    if op is c.SUBPATTERN:
        _group, add_flags, _del_flags, sub = av
        if add_flags & c.SRE_FLAG_IGNORECASE:
            return None, None
        return _sequence(list(sub))
    if op is c.BRANCH:
        return _branch([_sequence(list(alt)) for alt in av[1]])
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
        low, high, sub = av
        exact, required = _sequence(list(sub))
        if low == 0:
            return (frozenset({""}) if high == 0 else None), None
        required = _best(required, _usable(exact))
        if exact is not None and low == high and len(exact) ** low <= _MAX_EXACT:
            product = frozenset({""})
            for _ in range(low):
                product = frozenset(a + b for a in product for b in exact)
            return product, required
        return None, required
    return None, None  # ANY, categories, group references, atomic groups ...


def _class(members: list[tuple[Any, Any]]) -> Exact:
    chars: set[str] = set()
    for op, av in members:
        if op is c.LITERAL:
            chars.add(chr(av))
        elif op is c.RANGE and av[1] - av[0] < _MAX_CLASS:
            chars.update(chr(x) for x in range(av[0], av[1] + 1))
        else:  # NEGATE, categories, wide ranges
            return None
        if len(chars) > _MAX_CLASS:
            return None
    return frozenset(chars)


def _branch(alternatives: list[tuple[Exact, Required]]) -> tuple[Exact, Required]:
    exact: Exact = frozenset()
    required: Required = frozenset()
    for alt_exact, alt_required in alternatives:
        if exact is not None and alt_exact is not None and len(exact) + len(alt_exact) <= _MAX_EXACT:
            exact = exact | alt_exact
        else:
            exact = None
        # Each alternative must bring its own requirement; one without makes the union useless.
        need = _best(alt_required, _usable(alt_exact))
        required = None if required is None or need is None else required | need
    return exact, required
