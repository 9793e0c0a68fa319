"""Read the sample exports of other chat parsers' test suites and compare with their expectations.

The samples are never copied into kzscam: they are read from snapshots of the parsers' public
repositories (`--mirror`, default /work/.mirror, one `owner+name/repo` bare git directory each).
Expected message and sender counts come from each suite's own test data:

- joweich/chat-miner (MIT): `test/whatsapp/*.txt` and `test/telegram/*.json` against the
  suite's `target.json` (the messages and authors every file must parse to);
- Pustur/whatsapp-chat-parser (MIT): the one-line date formats of `tests/parser.test.ts`, each
  one message from sender "a";
- lucasrodes/whatstk (GPL-3.0): `chats/whatsapp/*.txt`, expected to be read whole (no line
  left unplaced); the suite gives no counts per file.
- mlomb/chat-analytics (AGPL-3.0): `tests/samples/{whatsapp,telegram}/<authors>A_<messages>M.*`;
- MasterScrat/Chatistics (MIT): `tests/test_data/whatsapp/_chat*.txt` against the ground truth of
  `tests/test_whatsapp.py` (messages without system lines; senders where the suite names them);
- JanChodorowski/whatsapp-chat-parser-go (no licence file: read from the snapshot only, and
  only its counts are used): `test_data/*.txt` against `parser_test.go`'s `chatExamples`
  (message counts that include system lines, and the authors).
- innerdvations/telegram-chat-parser (MIT): the Telegram exports of `tests/data/`; its suite
  expects every message object to be read (`tg.messages` as long as the file's `messages`) and
  `error.json` (invalid JSON) to be refused. `error-unexpected.json`, whose suite is a TODO, is
  read for robustness only (no counts).
- emmaakachukwu/whatsapp-chat-parser-rb (MIT): `spec/fixtures/files/sample.txt`, Android and
  iPhone lines mixed in one file, against `spec/whatsapp-chat-parser_spec.rb` (the message count
  with system lines, and the author and timestamp it names at given positions).

A sample passes when it is read, its counts match (where known), no line is left unplaced and
the chat is not flagged (they are ordinary chats).

    .venv/bin/python scripts/eval_chat_samples.py [--mirror DIR]
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from kzscam.chat.analyse import check_chat
from kzscam.chat.model import ChatError


@dataclass
class Sample:
    """One export and what its parser's test suite expects of it."""

    name: str
    data: bytes
    suffix: str
    messages: int | None = None
    senders: int | None = None
    with_system: bool = False  # the suite counts system lines as messages
    refused: bool = False  # the suite expects the parser to refuse it
    # What the suite expects at given positions of the message list (system lines included):
    # the author (None: a system line) and the timestamp (ISO 8601).
    authors: dict[int, str | None] = field(default_factory=dict)
    dates: dict[int, str] = field(default_factory=dict)
    gap: str = ""  # a known failure and its cause: reported as GAP, and as FAIL once it passes


def _git(repo: Path, *args: str) -> bytes:
    return subprocess.run(["git", "-C", str(repo), *args], check=True,
                          capture_output=True).stdout


def _files(repo: Path, under: str) -> list[str]:
    names = _git(repo, "ls-tree", "-r", "--name-only", "HEAD", under).decode().splitlines()
    return sorted(names)


def chat_miner(mirror: Path) -> list[Sample]:
    repo = mirror / "joweich+chat-miner" / "repo"
    if not repo.exists():
        return []
    out: list[Sample] = []
    for sub, ext in (("whatsapp", ".txt"), ("telegram", ".json")):
        target = json.loads(_git(repo, "show", f"HEAD:test/{sub}/target.json"))
        authors = {t["author"] for t in target}
        for name in _files(repo, f"test/{sub}/"):
            if name.endswith(ext) and not name.endswith("target.json"):
                out.append(Sample(f"chat-miner/{name}", _git(repo, "show", f"HEAD:{name}"), ext,
                                  len(target), len(authors)))
    return out


def pustur(mirror: Path) -> list[Sample]:
    repo = mirror / "Pustur+whatsapp-chat-parser" / "repo"
    if not repo.exists():
        return []
    source = _git(repo, "show", "HEAD:tests/parser.test.ts").decode()
    block = source[source.index("describe('formats'"):source.index("describe('options'")]
    lines = re.findall(r"const format\d+ = \[\{ system: false, msg: '(.*)' \}\];", block)
    return [Sample(f"whatsapp-chat-parser/format{i}", (line + "\n").encode(), ".txt", 1, 1)
            for i, line in enumerate(lines, 1)]


def _spec(repo: Path, name: str, names: list[str]) -> str:
    """A sample's expectations (``X.txt.ts``), following ``export * from "./Y.ts"``."""
    if name not in names:
        return ""
    spec = _git(repo, "show", f"HEAD:{name}").decode()
    again = re.search(r'export \* from "\./([^"]+)"', spec)
    if again:
        return _spec(repo, f"{name.rsplit('/', 1)[0]}/{again.group(1)}", names)
    return spec


def chat_analytics(mirror: Path) -> list[Sample]:
    """Files named ``<authors>A_<messages>M``; a ``.ts`` next to one may list the authors."""
    repo = mirror / "mlomb+chat-analytics" / "repo"
    if not repo.exists():
        return []
    names = _files(repo, "tests/samples/")
    out: list[Sample] = []
    for name in names:
        m = re.search(r"(\d+)A_(\d+)M\.(txt|json|zip)$", name)
        if not m or not re.search(r"/(whatsapp|telegram)/", name):
            continue
        senders, messages = int(m.group(1)), int(m.group(2))
        spec = _spec(repo, f"{name}.ts", names)
        if "authors:" in spec and "messages:" in spec:
            block = spec[spec.index("authors:"):spec.index("messages:")]
            listed = re.findall(r'name: "', block) or re.findall(r'"[^"]+"', block.split(
                ".map")[0])
            senders = len(listed) or senders
        if "calls:" in spec:  # the file name counts calls too; kzscam keeps them as service
            messages -= len(re.findall(r'\bid: "', spec[spec.index("calls:"):]))
        out.append(Sample(f"chat-analytics/{name}", _git(repo, "show", f"HEAD:{name}"),
                          f".{m.group(3)}", messages, senders))
    return out


def whatstk(mirror: Path) -> list[Sample]:
    repo = mirror / "lucasrodes+whatstk" / "repo"
    if not repo.exists():
        return []
    return [Sample(f"whatstk/{name}", _git(repo, "show", f"HEAD:{name}"), ".txt")
            for name in _files(repo, "chats/whatsapp/") if name.endswith(".txt")]


# Chatistics' tests/test_whatsapp.py: messages (the ground truth's rows) and senders per file.
CHATISTICS = {"_chat.txt": (20, 2), "_chat 2.txt": (4, 2), "_chat 3.txt": (9, None),
              "_chat 4.txt": (3, 1)}


def chatistics(mirror: Path) -> list[Sample]:
    repo = mirror / "MasterScrat+Chatistics" / "repo"
    if not repo.exists():
        return []
    suite = _git(repo, "show", "HEAD:tests/test_whatsapp.py").decode()
    out: list[Sample] = []
    for name, (messages, senders) in CHATISTICS.items():
        path = f"tests/test_data/whatsapp/{name}"
        if f"'{name}'" not in suite:
            raise SystemExit(f"Chatistics' suite no longer tests {path}: update CHATISTICS")
        out.append(Sample(f"Chatistics/{path}", _git(repo, "show", f"HEAD:{path}"), ".txt",
                          messages, senders))
    return out


def chat_parser_go(mirror: Path) -> list[Sample]:
    """The `chatExamples` of parser_test.go: file path, authors and message count."""
    repo = mirror / "JanChodorowski+whatsapp-chat-parser-go" / "repo"
    if not repo.exists():
        return []
    suite = _git(repo, "show", "HEAD:parser_test.go").decode()
    live = "\n".join(ln for ln in suite.splitlines() if not ln.lstrip().startswith("//"))
    out: list[Sample] = []
    for block in re.findall(r"\{[^{}]*filePath:[^{}]*\{[^{}]*\}[^{}]*\}", live):
        path = re.search(r'filePath:\s*"([^"]+)"', block)
        count = re.search(r"messagesCount:\s*(\d+)", block)
        authors = re.search(r"authors:\s*\[\]string\{([^}]*)\}", block)
        if path and count and authors:
            out.append(Sample(f"whatsapp-chat-parser-go/{path.group(1)}",
                              _git(repo, "show", f"HEAD:{path.group(1)}"), ".txt",
                              int(count.group(1)), len(re.findall(r'"[^"]*"', authors.group(1))),
                              with_system=True))
    return out


def telegram_chat_parser(mirror: Path) -> list[Sample]:
    repo = mirror / "innerdvations+telegram-chat-parser" / "repo"
    if not repo.exists():
        return []
    out: list[Sample] = []
    for name in _files(repo, "tests/data/"):
        if not name.endswith(".json"):
            continue
        data = _git(repo, "show", f"HEAD:{name}")
        sample = Sample(f"telegram-chat-parser/{name}", data, ".json", with_system=True)
        if name.endswith("/error.json"):
            sample.refused = True
        elif not name.endswith("/error-unexpected.json"):
            sample.messages = len(json.loads(data)["messages"])
        out.append(sample)
    return out


MIXED_GAP = ("known gap: its line 9 ('15/12/2025, 10:34:00 AM Charlie: ...') is the file's only "
             "line of the bare 'date time Name:' shape, which is also what a message starting "
             "with a date looks like: kzscam keeps it as text of the message before (Bob's)")


def whatsapp_chat_parser_rb(mirror: Path) -> list[Sample]:
    """`parse_file` of the spec: the message count and what it expects at given positions."""
    repo = mirror / "emmaakachukwu+whatsapp-chat-parser-rb" / "repo"
    if not repo.exists():
        return []
    spec = _git(repo, "show", "HEAD:spec/whatsapp-chat-parser_spec.rb").decode()
    block = spec[spec.index("describe '.parse_file'"):]
    path = re.search(r"File\.expand_path\('([^']+)', __dir__\)", block)
    size = re.search(r"expect\(messages\.size\)\.to eq\((\d+)\)", block)
    if not path or not size:
        raise SystemExit("whatsapp-chat-parser-rb's spec changed: update whatsapp_chat_parser_rb")
    authors: dict[int, str | None] = {
        int(i): name for i, name in re.findall(
            r"expect\(messages\[(\d+)\]\.author\)\.to eq\('([^']*)'\)", block)}
    authors.update({int(i): None for i in re.findall(
        r"expect\(messages\[(\d+)\]\.author\)\.to be_nil", block)})
    dates = {int(i): stamp.replace(" ", "T") for i, stamp in re.findall(
        r"expect\(messages\[(\d+)\]\.timestamp\)\.to eq\('([^']+)'\)", block)}
    name = f"spec/{path.group(1)}"
    return [Sample(f"whatsapp-chat-parser-rb/{name}", _git(repo, "show", f"HEAD:{name}"), ".txt",
                   int(size.group(1)), with_system=True, authors=authors, dates=dates,
                   gap=MIXED_GAP)]


def all_samples(mirror: Path) -> list[Sample]:
    return (chat_miner(mirror) + pustur(mirror) + chat_analytics(mirror) + whatstk(mirror)
            + chatistics(mirror) + chat_parser_go(mirror) + telegram_chat_parser(mirror)
            + whatsapp_chat_parser_rb(mirror))


def run(samples: list[Sample]) -> int:
    passed = total_messages = gaps = failed = 0
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        for sample in samples:
            path = Path(tmp) / f"sample{sample.suffix}"
            path.write_bytes(sample.data)
            try:
                report = check_chat(path, all_messages=True)
            except ChatError as exc:
                passed += sample.refused
                failed += not sample.refused
                print(f"{'ok  ' if sample.refused else 'FAIL'} {sample.name}: refused: {exc}")
                continue
            if sample.refused:
                failed += 1
                print(f"FAIL {sample.name}: read, but its suite expects it refused")
                continue
            details = report.details or {}
            # Unplaced text is checked, but it is no message (unplaced_lines counts it).
            parts = [p.details or {} for p in report.parts]
            parts = [p for p in parts if p.get("kind") != "unplaced"]
            listed = [p for p in parts if sample.with_system or p.get("kind") != "service"]
            messages = len(listed)
            senders = len({p.get("sender") for p in parts if p.get("kind") != "service"})
            unplaced = details.get("unplaced_lines", 0)
            total_messages += messages
            problems = []
            if sample.messages is not None and messages != sample.messages:
                problems.append(f"{messages} messages, expected {sample.messages}")
            if sample.senders is not None and senders != sample.senders:
                problems.append(f"{senders} senders, expected {sample.senders}")
            for at, author in sorted(sample.authors.items()):
                got = (listed[at].get("sender") or None) if at < len(listed) else "(none)"
                if got != author:
                    problems.append(f"message {at} from {got!r}, expected {author!r}")
            for at, date in sorted(sample.dates.items()):
                got = listed[at].get("date") if at < len(listed) else "(none)"
                if got != date:
                    problems.append(f"message {at} dated {got}, expected {date}")
            if unplaced:
                problems.append(f"{unplaced} lines unplaced")
            if report.verdict.name.lower() != "safe":
                problems.append(f"flagged {report.verdict.name.lower()}")
            if report.error:
                problems.append(f"error: {report.error}")
            status = "ok  " if not problems else "GAP " if sample.gap else "FAIL"
            if not problems and sample.gap:
                status, problems = "FAIL", [f"passes now: remove its gap ({sample.gap})"]
            elif problems and sample.gap:
                problems.append(sample.gap)
            passed += status == "ok  "
            gaps += status == "GAP "
            failed += status == "FAIL"
            print(f"{status} {sample.name}: {messages} messages, "
                  f"{senders} senders" + (f" ({'; '.join(problems)})" if problems else ""))
    elapsed = time.perf_counter() - started
    print(f"{passed} of {len(samples)} samples read right and not flagged ({gaps} known gaps); "
          f"{total_messages} messages in {elapsed:.1f} s")
    return 1 if failed else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--mirror", type=Path, default=Path("/work/.mirror"))
    args = parser.parse_args()
    samples = all_samples(args.mirror)
    if not samples:
        print(f"no sample snapshots under {args.mirror}", file=sys.stderr)
        return 2
    return run(samples)


if __name__ == "__main__":
    raise SystemExit(main())
