"""Regular expressions compiled when first used rather than when their module is imported.

Compiling costs 0.05-0.8 ms a pattern (the stdlib parses patterns in Python; RE2 builds its
automaton), and a one-message run imports dozens of patterns it never uses: a link pattern for a
message without a link, the negation patterns for a message without a request. A `LazyPattern`
stands in for the compiled pattern at module level and compiles it on first use; from then on
each method it was asked for is the compiled pattern's own bound method, stored on the instance,
so calls cost what they cost on the compiled pattern.

Only for patterns used through their methods (`search`, `finditer`, `sub`, ...): a LazyPattern
is not an `re.Pattern` to `isinstance` or as the first argument of `re.sub`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, cast


class LazyPattern:
    """A pattern compiled by `compiler(*args, **kwargs)` on first attribute access."""

    def __init__(self, compiler: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        self._recipe = (compiler, args, kwargs)

    def compiled(self) -> Any:
        """The compiled pattern (compiled now if it was not yet)."""
        found = self.__dict__.get("_compiled")
        if found is None:
            compiler, args, kwargs = self._recipe
            found = self._compiled = compiler(*args, **kwargs)
        return found

    def __getattr__(self, name: str) -> Any:
        # Called only for names not on the instance yet: the first use of each method.
        if name.startswith("__") or name in ("_recipe", "_compiled"):
            raise AttributeError(name)
        value = getattr(self.compiled(), name)
        setattr(self, name, value)
        return value


def lazy_re(pattern: str, flags: int | re.RegexFlag = 0) -> re.Pattern[str]:
    """`re.compile(pattern, flags)` on first use (typed as the pattern it stands for)."""
    return cast(re.Pattern[str], LazyPattern(re.compile, pattern, flags))


def lazy_re2(pattern: str, *args: Any, **kwargs: Any) -> Any:
    """`re2.compile(pattern, ...)` on first use (the RE2 module itself is imported then too)."""
    def compile_re2(*a: Any, **k: Any) -> Any:
        import re2

        return re2.compile(*a, **k)

    return LazyPattern(compile_re2, pattern, *args, **kwargs)
