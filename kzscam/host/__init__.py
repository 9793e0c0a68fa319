"""Remote-access tools on a computer or phone: catalogue, collectors per platform, the judge.

Collectors (linux, macos, windows, procs, android) gather `HostFacts` at the edge; `judge` is pure
and turns them into per-tool results and `Hit`s; `report` stamps them into ordinary Reports.
"""
