"""check-url on real phishing links from public feeds and on real benign pages with paths.

The data is assembled from public feeds (see tests/data/url_feeds/README.md for the sources), every
list passed through ../shared/tools/heldout_guard.py first. `--build` splits the guarded lists by
registrable domain (a hash of it, so one kit's many links never straddle the split): 30% is the
frozen test split, written to tests/data/url_feeds/ (capped samples), the rest is the tuning split,
written to a folder outside the repository. Only the tuning split's misses are ever printed.

A link "names a brand in the host" when the brand's own name (the `NAMES` table below, written
independently of kzscam/data/url/brands.toml) appears in its host and the host is not the brand's;
it counts as caught when check-url says `suspicious` or worse *and* names that brand. Benign pages
count as flagged at `suspicious` or worse.

Usage: python scripts/eval_url_feeds.py [--tune DIR] [--show-misses N]
       python scripts/eval_url_feeds.py --domains LIST.txt [--show-misses N]   (benign domains only)
       python scripts/eval_url_feeds.py --build --phish A.txt B.txt --benign C.txt --tune DIR
"""

from __future__ import annotations

import argparse
import hashlib
import random
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kzscam.config import Config  # noqa: E402
from kzscam.model import Verdict  # noqa: E402
from kzscam.pipeline.url import url_report  # noqa: E402
from kzscam.url.brands import index  # noqa: E402
from kzscam.url.host import decode_host  # noqa: E402
from kzscam.url.parse import parse_url  # noqa: E402
from kzscam.url.psl import split_domain  # noqa: E402

DATA = ROOT / "tests" / "data" / "url_feeds"
TEST_SHARE = 0.30
PER_BRAND = 150
CAPS = {"phish_named.txt": 2500, "phish_sample.txt": 1000, "benign_pages.txt": 3000}

# brand name in kzscam -> (group, substrings that name it in a host). "vk" only as a whole token.
NAMES: dict[str, tuple[str, tuple[str, ...]]] = {
    "Kaspi": ("kz", ("kaspi",)), "Halyk Bank": ("kz", ("halyk", "homebank")),
    "Jusan Bank": ("kz", ("jusan", "jysan")), "Freedom Bank": ("kz", ("freedombank", "bankffin")),
    "ForteBank": ("kz", ("fortebank",)), "Bereke Bank": ("kz", ("berekebank",)),
    "eGov (electronic government)": ("kz", ("egov",)), "Kazpost": ("kz", ("kazpost",)),
    "Kolesa.kz": ("kz", ("kolesa", "krisha")), "National Bank of Kazakhstan": ("kz", ("nationalbank",)),
    "Kcell / Activ": ("kz", ("kcell",)), "Kazakhtelecom": ("kz", ("kazakhtelecom",)),
    "OLX": ("olx", ("olx",)),
    "Telegram": ("intl", ("telegram",)), "WhatsApp": ("intl", ("whatsapp",)),
    "Apple / iCloud": ("intl", ("apple", "icloud")), "Steam": ("intl", ("steamcommunity", "steampowered")),
    "Binance": ("intl", ("binance",)), "Facebook": ("intl", ("facebook",)),
    "Instagram": ("intl", ("instagram",)), "Xbox": ("intl", ("xbox",)), "Glovo": ("intl", ("glovo",)),
    "Gosuslugi": ("cis", ("gosuslug",)), "VK": ("cis", ("vkontakte",)), "Sber": ("cis", ("sberbank",)),
    "Mail.ru": ("cis", ("mailru", "mail-ru")), "Yandex": ("cis", ("yandex",)),
    "Avito": ("cis", ("avito",)), "QIWI": ("cis", ("qiwi",)), "T-Bank (Tinkoff)": ("cis", ("tinkoff",)),
    "Alfa-Bank": ("cis", ("alfabank", "alfa-bank")), "Wildberries": ("cis", ("wildberries",)),
    "Ozon": ("cis", ("ozon",)), "CDEK": ("cis", ("cdek",)),
}
_TOKENS = re.compile(r"[a-z]+")


def host_of(url: str) -> str:
    """The decoded host of a link as kzscam parses it ("" when there is none)."""
    return decode_host(parse_url(url).host).name


def _spells(host: str, tokens: list[str], name: str) -> bool:
    """Long names anywhere in the host; names of four or five letters only at the start or end
    of a word of the host ("vipozon"), three-letter ones only at its start ("olxpl"), so
    "protocolx" is not OLX."""
    if len(name) > 5:
        return name in host
    return any(t.startswith(name) or (len(name) > 3 and t.endswith(name)) for t in tokens)


def named_brands(host: str) -> list[str]:
    """Brands whose name the host spells out (never the brand's own or sister domains)."""
    if not host:
        return []
    owner = index().owner(host)
    tokens = _TOKENS.findall(host)
    found = [b for b, (_, subs) in NAMES.items() if any(_spells(host, tokens, s) for s in subs)]
    if "vk" in tokens:
        found.append("VK")
    return [b for b in found if owner is None or owner[0].name != b]


def is_test(site: str) -> bool:
    """The frozen split: a hash of the registrable domain, so a kit's links stay together."""
    digest = hashlib.sha256(site.encode("utf-8", "replace")).digest()
    return int.from_bytes(digest[:4], "big") / 2**32 < TEST_SHARE


def has_path(url: str) -> bool:
    p = parse_url(url)
    return bool(p.host) and (p.path.strip("/") != "" or bool(p.query))


def build(phish: list[Path], benign: list[Path], tune: Path) -> None:
    """Split the guarded lists; write the test samples into the repo and the rest to `tune`."""
    rows: dict[str, dict[str, list[str]]] = {"test": defaultdict(list), "tune": defaultdict(list)}
    seen: set[str] = set()
    for kind, paths in (("phish", phish), ("benign", benign)):
        for path in paths:
            for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
                url = line.strip()
                if not url or url in seen or (kind == "benign" and not has_path(url)):
                    continue
                seen.add(url)
                host = host_of(url)
                site = split_domain(host)[0] or host
                part = rows["test" if is_test(site) else "tune"]
                if kind == "benign":
                    part["benign_pages.txt"].append(url)
                    continue
                part["phish_sample.txt"].append(url)
                if named_brands(host):
                    part["phish_named.txt"].append(url)
    tune.mkdir(parents=True, exist_ok=True)
    DATA.mkdir(parents=True, exist_ok=True)
    for split, out in (("test", DATA), ("tune", tune)):
        for name, urls in rows[split].items():
            rng = random.Random(name)
            urls = sorted(urls)
            if name == "phish_named.txt" and split == "test":
                urls = _per_brand(urls, rng)
            cap = CAPS[name] if split == "test" else (20000 if name != "phish_named.txt" else 10**9)
            if len(urls) > cap:
                urls = sorted(rng.sample(urls, cap))
            (out / name).write_text("".join(u + "\n" for u in urls), encoding="utf-8")
            print(f"{split} {name}: {len(urls)}")


def _per_brand(urls: list[str], rng: random.Random) -> list[str]:
    """At most PER_BRAND links per brand, so the few Kazakh and CIS kits are all kept."""
    by_brand: dict[str, list[str]] = defaultdict(list)
    for url in urls:
        by_brand[named_brands(host_of(url))[0]].append(url)
    kept: list[str] = []
    for group in by_brand.values():
        kept.extend(rng.sample(group, PER_BRAND) if len(group) > PER_BRAND else group)
    return sorted(kept)


def verdict_and_brand(url: str, config: Config) -> tuple[Verdict, str | None]:
    report = url_report(url, name=url, lang="en", config=config)
    brands = [f for f in report.findings if f.category == "brand_impersonation"]
    return report.verdict, (report.details.get("imitates") if brands else None)


def flagged_domains(domains: list[str], config: Config) -> tuple[list[str], int]:
    """(domains flagged suspicious or worse, remote-access tool sites among them, not listed:
    they are reported on purpose, URL-KIND-007)."""
    hit, tools = [], 0
    for domain in domains:
        report = url_report(domain, name=domain, lang="en", config=config)
        if report.verdict >= Verdict.SUSPICIOUS:
            if {f.rule_id for f in report.findings} == {"URL-KIND-007"}:
                tools += 1
            else:
                hit.append(domain)
    return hit, tools


def evaluate(folder: Path, show: int, shared: Path | None = None) -> dict[str, tuple[int, int]]:
    """(caught, total) per line of the summary table, printed as Markdown."""
    config = Config()
    out: dict[str, tuple[int, int]] = {}
    misses: dict[str, list[str]] = defaultdict(list)
    named = (folder / "phish_named.txt").read_text(encoding="utf-8").split()
    per_group: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    per_brand: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for url in named:
        brands = named_brands(host_of(url))
        if not brands:
            continue
        verdict, said = verdict_and_brand(url, config)
        ok = verdict >= Verdict.SUSPICIOUS and said in brands
        for group in {NAMES[b][0] for b in brands} | {"all"}:
            per_group[group][0] += ok
            per_group[group][1] += 1
        per_brand[brands[0]][0] += ok
        per_brand[brands[0]][1] += 1
        if not ok:
            misses[NAMES[brands[0]][0]].append(f"{url} ({verdict.name.lower()}, {said})")
    labels = {"kz": "naming a protected Kazakh brand", "intl": "naming an international brand",
              "olx": "naming OLX (country kits)", "cis": "naming a Russian/CIS brand",
              "all": "naming a protected brand (all)"}
    print("| real phishing links | links | flagged with the right brand | rate |")
    print("|---|---:|---:|---:|")
    for group in ("kz", "intl", "olx", "cis", "all"):
        ok, n = per_group[group]
        out[group] = (ok, n)
        print(f"| {labels[group]} | {n} | {ok} | {100 * ok / max(n, 1):.1f}% |")
    sample = (folder / "phish_sample.txt").read_text(encoding="utf-8").split()
    levels: Counter[str] = Counter()
    for url in sample:
        levels[verdict_and_brand(url, config)[0].name.lower()] += 1
    flagged = levels["suspicious"] + levels["dangerous"]
    out["sample"] = (flagged, len(sample))
    print(f"| random feed sample, suspicious or worse | {len(sample)} | {flagged} | "
          f"{100 * flagged / max(len(sample), 1):.1f}% |")
    print(f"| random feed sample, caution or worse | {len(sample)} | {flagged + levels['caution']} "
          f"| {100 * (flagged + levels['caution']) / max(len(sample), 1):.1f}% |")
    benign = (folder / "benign_pages.txt").read_text(encoding="utf-8").split()
    bad = [u for u in benign if verdict_and_brand(u, config)[0] >= Verdict.SUSPICIOUS]
    out["benign"] = (len(bad), len(benign))
    print(f"| real benign pages with paths, suspicious or worse | {len(benign)} | {len(bad)} | "
          f"{100 * len(bad) / max(len(benign), 1):.2f}% |")
    if shared is not None:
        top = shared / "corpus" / "domains_top.txt"
        if top.exists():
            domains = top.read_text(encoding="utf-8").split()
            hit, tools = flagged_domains(domains, config)
            out["top"] = (len(hit), len(domains))
            print(f"| Tranco top domains (../shared), suspicious or worse (not counting {tools} "
                  f"remote-access tool sites) | {len(domains)} | {len(hit)} | "
                  f"{100 * len(hit) / max(len(domains), 1):.2f}% |")
            bad += hit
        else:
            print(f"| Tranco top domains | skipped: {top} not present | | |")
    print()
    print("Per brand: " + ", ".join(f"{b} {ok}/{n}" for b, (ok, n) in sorted(per_brand.items())))
    if show:
        for group, items in sorted(misses.items()):
            print(f"\nMisses ({group}): " + "; ".join(items[:show]))
        print("\nBenign flagged: " + "; ".join(bad[:show]))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--shared", type=Path, default=Path("../shared"), help="unused; make eval")
    parser.add_argument("--build", action="store_true", help="split guarded lists (see --phish)")
    parser.add_argument("--phish", type=Path, nargs="*", default=[])
    parser.add_argument("--benign", type=Path, nargs="*", default=[])
    parser.add_argument("--tune", type=Path, help="folder of the tuning split (outside the repo)")
    parser.add_argument("--data", type=Path, default=DATA, help="folder of the frozen test split")
    parser.add_argument("--show-misses", type=int, default=0, help="tuning split only")
    parser.add_argument("--domains", type=Path, nargs="*", default=[],
                        help="more benign domain lists, one a line (e.g. Tranco ranks 10,001-100,000)")
    args = parser.parse_args()
    if args.build:
        if args.tune is None:
            parser.error("--build needs --tune DIR")
        build(args.phish, args.benign, args.tune)
        return 0
    started = time.perf_counter()
    for path in args.domains:
        domains = path.read_text(encoding="utf-8").split()
        hit, tools = flagged_domains(domains, Config())
        print(f"{path}: {len(hit)} of {len(domains)} ({100 * len(hit) / max(len(domains), 1):.3f}%) "
              f"suspicious or worse, not counting {tools} remote-access tool sites")
        if args.show_misses:
            print("  " + ", ".join(hit[:args.show_misses]))
    if args.domains and args.tune is None:
        return 0
    if not (args.data / "phish_named.txt").exists():
        print(f"skipped: {args.data} has no phish_named.txt (see tests/data/url_feeds/README.md)")
        return 0
    print(f"## check-url on real feeds: frozen test split ({args.data.name})\n")
    evaluate(args.data, 0, args.shared)
    if args.tune is not None:
        if (args.tune / "phish_named.txt").exists():
            print(f"\n## tuning split ({args.tune})\n")
            evaluate(args.tune, args.show_misses)
        else:
            print(f"\ntuning split skipped: {args.tune} has no phish_named.txt")
    print(f"\n(took {time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
