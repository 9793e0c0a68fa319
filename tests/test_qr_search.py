"""The search for more codes after a read blanks out the codes read before tracing contours
(kzscam.qr.local.find_finders `skip`): a photo of ../shared/corpus/qr beside a glared one, as in
tests/test_qr_hard.py. Blanking must drop only the finders of the code read, never another
code's."""

from __future__ import annotations

import pytest
from test_qr_hard import damaged, photo

from kzscam.qr import local
from kzscam.qr.decoders import read_zxing
from kzscam.qr.places import _inside
from kzscam.qr.regional import _regions
from qrsynth import side_by_side

pytestmark = pytest.mark.corpus


def test_blanking_the_code_read_keeps_every_other_finder() -> None:
    clean, first = photo("java-qrcode-1/2.png")
    glared, _ = damaged("java-qrcode-1/13.png", "glare")
    both = side_by_side(clean, glared)
    read = [s.corners for s in read_zxing(both)[0] if s.text == first]
    assert len(read) == 1
    arr = local.as_array(both)
    everything = local.find_finders(arr, thorough=False)
    blanked = local.find_finders(arr, thorough=False, skip=read)
    outside = [f for f in everything if not _inside((f.x, f.y), read[0], 1.2)]
    # The code read had finders of its own, which blanking removes ...
    assert len(outside) < len(everything)
    assert not any(_inside((f.x, f.y), read[0], 1.0) for f in blanked)
    # ... and every finder outside it is still found, at the same place.
    for f in outside:
        assert any(abs(f.x - g.x) < 1 and abs(f.y - g.y) < 1 for g in blanked), f
    # The regions searched after the read lie beside the code read, on the glared photo.
    regions = _regions(both, read)
    assert regions and all(r.box[2] > clean.width for r in regions)
