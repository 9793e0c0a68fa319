"""check-text benchmarks: CLI start-up, batch throughput against grep, peak memory."""

from __future__ import annotations

import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
N_MESSAGES = 100_000
STARTUP_RUNS = 21

MINIMAL_TYPER = '''
import typer
app = typer.Typer(add_completion=False)
@app.command()
def main(text: str) -> None:
    print(text)
app()
'''

_SCAM = [
    "Здравствуйте, это служба безопасности банка, на ваше имя оформлен кредит",
    "назовите код из SMS чтобы отменить операцию", "переведите деньги на безопасный счёт",
    "Сәлем, бұл Ұлттық Банктің қызметкері, шотыңыз бұғатталды", "кодты айтыңыз",
    "Your account will be deleted, enter the code at", "http://kaspi-bonus.top/login",
    "Мама, у меня новый номер, срочно скинь 50 000 на карту", "Проголосуйте за мою дочь в конкурсе",
    "Удалённая работа, доход от 5000 в день, пиши в лс", "Ваша посылка задержана, оплатите доставку",
    "Скачайте AnyDesk и продиктуйте номер", "Congratulations! You have won a prize, call 09061701461",
]
_LEGIT = [
    "Покупка 2 210.00 KZT CAFE, остаток 75 243.99 KZT", "Код: 4821. Никому не сообщайте его",
    "Привет! Во сколько встречаемся завтра?", "Balance: 12 500 KZT, card *1405",
    "Ертең сағат 10-да жиналыс болады", "Meeting moved to Thursday, see agenda attached",
    "Kaspi Gold: пополнение 15 000 ₸", "Жаңа жылыңызбен! Денсаулық тілеймін",
    "Мам, я уже дома, поужинал", "Заказ №4471 ожидает вас в постамате до 25.11",
    "Your parcel has been delivered to the pickup point", "Не забудь купить хлеб и молоко",
    "Поздравляем с днём рождения! Счастья и здоровья", "Оплата за интернет прошла успешно",
]
SCAM_SHARE = 0.2


def generate_messages(n: int, seed: int = 7, scam_share: float = SCAM_SHARE) -> list[str]:
    """SMS/messenger-sized messages: `scam_share` of them built from scam phrases, the rest ordinary."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        pool = _SCAM if rng.random() < scam_share else _LEGIT
        parts = [rng.choice(pool) for _ in range(rng.randint(1, 3))]
        if pool is _SCAM and rng.random() < 0.5:
            parts.insert(0, rng.choice(_LEGIT))
        out.append(" ".join(parts) + f" #{rng.randint(1, 99999)}")
    return out


def _median_ms(cmd: list[str], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append((time.perf_counter() - t) * 1000)
    return times


def _timed(cmd: list[str], stdin_path: Path | None = None) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of one command, via GNU time when present."""
    gnu_time = shutil.which("time") or "/usr/bin/time"
    full = [gnu_time, "-f", "%M", *cmd] if os.path.exists(gnu_time) else cmd
    with tempfile.TemporaryFile() as err:
        t = time.perf_counter()
        subprocess.run(full, stdout=subprocess.DEVNULL, stderr=err, check=False,
                       stdin=stdin_path.open("rb") if stdin_path else subprocess.DEVNULL)
        wall = time.perf_counter() - t
        err.seek(0)
        tail = err.read().decode(errors="replace").strip().splitlines()
    rss = int(tail[-1]) if tail and tail[-1].isdigit() else 0
    return wall, rss


def _grep_patterns(count: int) -> list[str]:
    """`count` ERE stems taken from the rules' own terms (a fair, same-size pattern set)."""
    from kzscam.engine import get_engine
    from kzscam.text.normalize import fold

    words: list[str] = []
    for matcher in get_engine().catalog.rules:
        for key in ("any", "none", "negations"):
            for term in matcher.match.get(key, []):
                if not term.startswith("@"):
                    words.append(re.escape(fold(term).rstrip("*").split("*")[0]))
    for terms in get_engine().catalog.lexicon.values():
        words.extend(re.escape(fold(t).replace("*", "").replace(" .. ", " ")) for t in terms)
    words = list(dict.fromkeys(w for w in words if len(w.strip()) >= 3))
    while len(words) < count:
        words.append(words[len(words) % max(1, len(words))] + "x")
    return words[:count]


def run(shared: Path) -> str:
    py = sys.executable
    msg = "Здравствуйте, это Нацбанк. Назовите код из SMS, ваши деньги под угрозой."
    with tempfile.TemporaryDirectory() as tmp:
        tmpd = Path(tmp)
        minimal = tmpd / "minimal_typer.py"
        minimal.write_text(MINIMAL_TYPER, encoding="utf-8")
        ours, base = [], []
        for _ in range(STARTUP_RUNS):  # alternate so drift hits both equally
            ours += _median_ms([py, "-m", "kzscam", "check-text", "--format", "json", msg], 1)
            base += _median_ms([py, str(minimal), msg], 1)
        ours_ms, base_ms = statistics.median(ours), statistics.median(base)

        msgs = generate_messages(N_MESSAGES)
        data = tmpd / "messages.txt"
        data.write_text("\n".join(msgs) + "\n", encoding="utf-8")
        size_mb = data.stat().st_size / 1e6
        from kzscam.engine import get_engine

        n_patterns = get_engine().table.n_terms
        pats = tmpd / "patterns.txt"
        pats.write_text("\n".join(_grep_patterns(n_patterns)) + "\n", encoding="utf-8")
        kz_wall, kz_rss = _timed([py, "-m", "kzscam", "check-text", "--lines", "--file", str(data),
                                  "--format", "jsonl", "--fail-on", "dangerous"])
        grep_wall, _ = _timed(["grep", "-c", "-i", "-E", "-f", str(pats), str(data)])
        _bare_wall, bare_rss = _timed([py, "-c", "import sys; sum(1 for _ in open(sys.argv[1]))",
                                      str(data)])
    rate, grate = N_MESSAGES / kz_wall, N_MESSAGES / grep_wall
    typer_version = __import__("typer").__version__
    return "\n".join([
        "## check-text",
        "",
        f"### Start-up (median of {STARTUP_RUNS} runs each, alternating)",
        "",
        "| command | median ms | ratio |",
        "|---|---:|---:|",
        f"| minimal Typer app printing its argument (typer {typer_version}) | {base_ms:.0f} | 1.00 |",
        f"| `kzscam check-text --format json \"<one message>\"` | {ours_ms:.0f} | "
        f"{ours_ms / base_ms:.2f} |",
        "",
        "Target: <= 1.5x. typer is pinned to 0.28.0: 0.29.x imports pydantic at start-up "
        "(about twice the start-up time of a small Typer app).",
        "",
        f"### Throughput: {N_MESSAGES:,} generated messages ({size_mb:.1f} MB, {SCAM_SHARE:.0%} "
        "scam-like), one per line",
        "",
        "| tool | wall s | messages/s | MB/s | ratio to grep |",
        "|---|---:|---:|---:|---:|",
        f"| `grep -c -i -E -f` with {n_patterns} patterns (ceiling) | {grep_wall:.2f} | "
        f"{grate:,.0f} | {size_mb / grep_wall:.1f} | 1.00 |",
        f"| `kzscam check-text --lines --format jsonl` ({n_patterns} RE2 term patterns) | {kz_wall:.2f} | "
        f"{rate:,.0f} | {size_mb / kz_wall:.1f} | {rate / grate:.2f} |",
        "",
        "Target: kzscam at least one third of grep's rate (ratio >= 0.33).",
        "",
        "### Peak memory on that batch",
        "",
        "| process | peak RSS MiB |",
        "|---|---:|",
        f"| python reading the file line by line (baseline) | {bare_rss / 1024:.0f} |",
        f"| kzscam check-text --lines | {kz_rss / 1024:.0f} |",
    ])


if __name__ == "__main__":
    print(run(ROOT.parent / "shared"))
