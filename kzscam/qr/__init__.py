"""QR codes: read images safely, decode every code in them, and understand what each payload does.

Layers, from the edge inwards: `loader` (files, stdin, limits, EXIF, frames) -> `decoders`
(zxing-cpp, zbar) and `elastic` (curved-paper grid fitting) -> `pipeline` (retries within a time
budget: `places` and `budget` under the ladder's stages `whole`, `regional`, `grids` and
`microscan`, ordered by `ladder`) -> `payload` (what kind of payload, parsed fields) -> `checks`
(detector hits) -> `analyze` (reports).
"""
