"""The QR pipeline: an image is loaded (animations sampled), its codes decoded and judged.

The command line and the API both call `scan_image`, so a sampled animation without a code is
reported the same way through either (QR-NONE-002, never "safe").
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from kzscam.config import Config
from kzscam.details import default_frames_note
from kzscam.engine import get_engine
from kzscam.model import Report, Verdict
from kzscam.qr.analyze import image_report
from kzscam.qr.loader import ImageError, Limits, LoadedImage, Source, load
from kzscam.qr.pipeline import ScanOptions, ScanResult, scan


@dataclass(frozen=True)
class ImageScan:
    """The report of one image, and what the command line also needs (annotation, timings)."""

    report: Report
    image: LoadedImage | None = None
    result: ScanResult | None = None


def scan_image(source: Source, config: Config, lang: str, limits: Limits | None = None,
               options: ScanOptions | None = None) -> ImageScan:
    """Load, decode and judge one image; an unreadable one is an error report, never a raise."""
    name = source.name
    try:
        image = load(source, limits)
    except ImageError as exc:
        return ImageScan(Report(input=name, verdict=Verdict.CAUTION, score=0, error=str(exc)))
    result = scan(image, options)
    scanned, total = len(image.frames), max(image.total_frames, len(image.frames))
    notes: dict[str, object] = {"frames": scanned} if total > 1 else {}
    numbers = image.frame_numbers
    symbols = [replace(s, frame=numbers[s.frame]) if s.frame < len(numbers) else s
               for s in result.symbols]
    if scanned < total:
        notes["frames_total"] = total
        notes["frames_note"] = image.note or default_frames_note(scanned, total)
    if result.budget_exhausted and not result.symbols:
        notes["note"] = "time budget ran out before every retry was tried (see --budget)"
    report = image_report(name, image.size, symbols, get_engine(config), config, lang, notes,
                          frames=(scanned, total))
    return ImageScan(report, image, result)
