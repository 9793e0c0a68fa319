"""Deconvolution of a defocused code at the code's own scale.

Defocus spreads each module into its neighbours; at a spread (Gaussian sigma) near half a module
a light module between two dark ones hardly rises above any threshold a binariser picks, and
neither zxing-cpp nor sharpening reads the code (scripts/qr_blur_study.py). A blur
is a convolution, so when its kernel is known it can be undone up to the noise: a Wiener filter
restores each frequency by as much as the noise allows. It is applied to the region of a finder
triple or a lone finder only, never to the whole photo, at a few blur sizes relative to the
module measured there, and each result goes to zxing-cpp like any other repair, whose
Reed-Solomon check still guards every payload. (Richardson-Lucy iterations, tried in
scripts/qr_blur_study.py with the true kernel, read no code the Wiener filter does not.)

numpy only (installed with opencv-python-headless, which the local repairs need).
"""

from __future__ import annotations

import math
from typing import Any


def gaussian_transfer(shape: tuple[int, int], sigma: float) -> Any:
    """The Gaussian blur's transfer function on an rfft2 grid of `shape`: exp(-2 pi^2 s^2 f^2)."""
    import numpy as np

    fy = np.fft.fftfreq(shape[0])[:, None]
    fx = np.fft.rfftfreq(shape[1])[None, :]
    return np.exp(-2.0 * math.pi ** 2 * sigma ** 2 * (fx * fx + fy * fy))


def wiener(gray: Any, sigma: float, nsr: float) -> Any:
    """`gray` (a 2-D array) with a Gaussian blur of `sigma` pixels undone by a Wiener filter whose
    noise-to-signal ratio is `nsr`; uint8. The picture is mirrored at its edges before the
    transform, so the circular convolution sees no step there (a step would ring into the code)."""
    import numpy as np

    a = np.asarray(gray, dtype=np.float32)
    h, w = a.shape
    pad = math.ceil(4 * sigma) + 1
    # Mirrored margins, grown to a size whose prime factors are 2, 3 and 5 (a transform of a
    # size with a large prime factor costs ten times as much).
    bottom, right = _fast(h + 2 * pad) - h - pad, _fast(w + 2 * pad) - w - pad
    widths = ((pad, bottom), (pad, right))
    padded = np.pad(a, widths, mode="reflect") if min(h, w) > max(bottom, right) \
        else np.pad(a, widths, mode="edge")
    transfer = gaussian_transfer(padded.shape, sigma)
    restore = transfer / (transfer * transfer + nsr)
    out = np.fft.irfft2(np.fft.rfft2(padded) * restore, s=padded.shape)[pad:pad + h, pad:pad + w]
    return np.clip(out, 0, 255).astype(np.uint8)


def _fast(n: int) -> int:
    """The smallest size >= n with no prime factor above 5."""
    while True:
        m = n
        for p in (2, 3, 5):
            while m % p == 0:
                m //= p
        if m == 1:
            return n
        n += 1

