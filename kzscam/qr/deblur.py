"""Deconvolution of a defocused code at the code's own scale.

Defocus spreads each module into its neighbours; once the spread reaches a third of a module, a
light module between two dark ones no longer rises above any threshold a binariser picks. A blur
is a convolution, so when its kernel is known it can be undone up to the noise: a Wiener filter
(in the frequency domain, each frequency restored by as much as the noise allows) or
Richardson-Lucy iterations (multiplicative, never negative). Both are applied to the region of a
located symbol or a finder triple only, never to the whole photo, and the result goes to the
same decoders as any other repair, whose Reed-Solomon check still guards every payload.

numpy and OpenCV only (opencv-python-headless, already needed by the local repairs).
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
    padded = np.pad(a, pad, mode="reflect") if min(h, w) > pad else np.pad(a, pad, mode="edge")
    transfer = gaussian_transfer(padded.shape, sigma)
    restore = transfer / (transfer * transfer + nsr)
    out = np.fft.irfft2(np.fft.rfft2(padded) * restore, s=padded.shape)[pad:pad + h, pad:pad + w]
    return np.clip(out, 0, 255).astype(np.uint8)


def richardson_lucy(gray: Any, sigma: float, iterations: int) -> Any:
    """`gray` with a Gaussian blur of `sigma` pixels undone by Richardson-Lucy iterations; uint8.
    The kernel is symmetric, so its adjoint is itself: each step is two Gaussian blurs."""
    import cv2
    import numpy as np

    observed = np.asarray(gray, dtype=np.float32) + 1.0
    estimate = observed.copy()
    for _ in range(iterations):
        blurred = cv2.GaussianBlur(estimate, (0, 0), sigma, borderType=cv2.BORDER_REFLECT)
        ratio = observed / np.maximum(blurred, 1e-3)
        estimate *= cv2.GaussianBlur(ratio, (0, 0), sigma, borderType=cv2.BORDER_REFLECT)
    return np.clip(estimate - 1.0, 0, 255).astype(np.uint8)
