"""Near-duplicate detection for evaluation: which test messages have a near copy in training data.

Public spam corpora repeat templates (the same Telegram post with another number, the same prize SMS
to another phone), so a content split still puts near copies on both sides, and a model scores well
on them by memory. The frozen split is therefore also reported without such messages.

A message is a near copy when the Jaccard similarity of its character 5-gram sets (after NFKC, case
folding and dropping punctuation) with a training message is at least 0.5, estimated with MinHash
(64 hashes) and found through LSH (16 bands of 4 rows): the usual construction.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterable

SHINGLE, HASHES, BANDS, THRESHOLD = 5, 64, 16, 0.5
_ROWS = HASHES // BANDS
_PRIME = (1 << 61) - 1
_SEEDS = [(int.from_bytes(hashlib.sha256(f"a{i}".encode()).digest()[:8], "big") % _PRIME | 1,
           int.from_bytes(hashlib.sha256(f"b{i}".encode()).digest()[:8], "big") % _PRIME)
          for i in range(HASHES)]


def _shingles(text: str) -> set[str]:
    folded = unicodedata.normalize("NFKC", text).casefold()
    words = "".join(c if c.isalnum() else " " for c in folded).split()
    flat = " ".join(words)
    return {flat[i : i + SHINGLE] for i in range(max(1, len(flat) - SHINGLE + 1))}


def signature(text: str) -> tuple[int, ...]:
    hashes = [int.from_bytes(hashlib.blake2b(s.encode("utf-8", "surrogatepass"),
                                             digest_size=8).digest(), "big")
              for s in _shingles(text)]
    return tuple(min((a * h + b) % _PRIME for h in hashes) for a, b in _SEEDS)


class NearIndex:
    """LSH index over training messages; `has_near(text)` asks whether one is a near copy."""

    def __init__(self, texts: Iterable[str]) -> None:
        self._sigs: list[tuple[int, ...]] = []
        self._buckets: dict[tuple[int, tuple[int, ...]], list[int]] = {}
        for text in texts:
            sig = signature(text)
            for band in range(BANDS):
                key = (band, sig[band * _ROWS : (band + 1) * _ROWS])
                self._buckets.setdefault(key, []).append(len(self._sigs))
            self._sigs.append(sig)

    def has_near(self, text: str) -> bool:
        sig = signature(text)
        seen: set[int] = set()
        for band in range(BANDS):
            for n in self._buckets.get((band, sig[band * _ROWS : (band + 1) * _ROWS]), ()):
                if n in seen:
                    continue
                seen.add(n)
                same = sum(x == y for x, y in zip(sig, self._sigs[n], strict=True))
                if same / HASHES >= THRESHOLD:
                    return True
        return False
