"""kzscam.spark on a real local Spark (`local[2]`): the same answers as the command line, row by row.

One SparkSession serves the whole file (starting the JVM costs seconds). Without Java or pyspark
the tests skip with the reason, except under CI=true, where they fail: CI must run them.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kzscam import api
from kzscam.config import Config

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DEV = SHARED / "corpus" / "texts_dev.jsonl"
QR_DIR = SHARED / "corpus" / "qr" / "java-qrcode-1"
CLI_ENV = {**os.environ, "KZSCAM_CONFIG": os.devnull, "NO_COLOR": "1"}
COMPARED = ("verdict", "score", "findings", "urls", "phones", "error")


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"Spark tests must run in CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    if shutil.which("java") is None:
        _unavailable("no java on PATH (make test installs openjdk-17-jre-headless as root)")
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        _unavailable("pyspark not installed (it is in the test extra: make test)")
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    session = (SparkSession.builder.master("local[2]").appName("kzscam-tests")
               .config("spark.ui.enabled", "false")
               .config("spark.ui.showConsoleProgress", "false")
               .config("spark.sql.shuffle.partitions", "2")
               .getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def cli_jsonl(*args: str) -> list[dict[str, Any]]:
    """The command line's JSONL results (exit codes 0, 1 and 3 all carry a full report)."""
    proc = subprocess.run([sys.executable, "-m", "kzscam", *args, "-f", "jsonl"],
                          capture_output=True, env=CLI_ENV, cwd=ROOT, timeout=600, check=False)
    assert proc.returncode in (0, 1, 3), proc.stderr.decode(errors="replace")
    return [json.loads(line) for line in proc.stdout.decode("utf-8").splitlines()]


def spark_result(row: Any) -> dict[str, Any]:
    """A Spark output row in the RESULT's shape, for comparison."""
    return {"verdict": row["verdict"], "score": row["score"],
            "findings": json.loads(row["findings"]), "urls": list(row["urls"]),
            "phones": list(row["phones"]), "error": row["error"]}


def assert_same(spark_row: Any, cli: dict[str, Any], what: str) -> None:
    got = spark_result(spark_row)
    assert got == {k: cli[k] for k in COMPARED}, what
    assert list(spark_row["rule_ids"]) == [f["rule_id"] for f in cli["findings"]], what


@pytest.fixture(scope="session")
def dev_cli() -> dict[str, dict[str, Any]]:
    if not DEV.exists():
        pytest.skip(f"{DEV} not found (the shared corpus sits beside the repository)")
    results = cli_jsonl("check-text", "--jsonl-field", "text", "--lang", "ru", "--jobs", "1",
                        "--file", str(DEV))
    return {r["input"]: r for r in results}


def test_importing_kzscam_and_its_cli_never_imports_pyspark() -> None:
    code = ("import sys\nfrom kzscam.cli import main\nimport kzscam.api\n"
            "sys.argv = ['kzscam', 'check-text', '-f', 'jsonl', 'Назовите код из SMS']\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pyspark', 'py4j', "
            "'pyarrow', 'pandas', 'kzscam.spark')))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=CLI_ENV, cwd=ROOT, timeout=120, check=False)
    assert proc.stdout.strip().splitlines()[-1] == "[]", proc.stderr
    assert '"rule_id":"TXT-CODE-001"' in proc.stdout  # the command really ran


def test_dev_corpus_rows_match_check_text_jsonl(spark: Any, dev_cli: dict[str, dict[str, Any]]) -> None:
    from kzscam import spark as kzspark

    df = spark.read.json(str(DEV)).repartition(3)
    rows = kzspark.check_text(df, "text", lang="ru").collect()
    assert len(rows) == len(dev_cli) == sum(1 for _ in DEV.open(encoding="utf-8"))
    for row in rows:
        assert_same(row, dev_cli[row["id"]], row["id"])
        assert row["details"] is None
        assert row["label"] is not None  # input columns ride along
    assert {r["verdict"] for r in rows} >= {"safe", "dangerous"}


def _hostile_file(tmp_path: Path) -> Path:
    filler = "Ертең сағат 10-да жиналыс болады. Купи хлеба по дороге домой. "
    half = "".join([filler] * (505_000 // len(filler.encode("utf-8"))))
    big = half + "Назовите код из SMS, это служба безопасности банка. " + half  # ~1 MB
    lines = [
        "Назовите код из SMS \udcff\udcfe (broken bytes)".encode("utf-8", "surrogateescape"),
        b"Kaspi: \xed\xa0\x80 surrogate encoded as UTF-8, http://kaspi-bonus.kz/login",
        "\x1b[31mСрочно\x1b[0m \u202eпереведите\u202c деньги на безопасный счёт \x9b2J".encode(),
        big.encode("utf-8"),
        ("Переведите деньги " * 90000).encode("utf-8"),  # 1.6 MB: over the 1 MiB line limit
        "[bold red]Мама[/] у меня новый номер +7 701 123 45 67, скинь 50 000".encode(),
    ]
    path = tmp_path / "hostile.txt"
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def test_hostile_rows_match_check_text_lines_and_never_fail_the_job(spark: Any, tmp_path: Path) -> None:
    from pyspark.sql import functions as F

    from kzscam import spark as kzspark

    path = _hostile_file(tmp_path)
    cli = cli_jsonl("check-text", "--lines", "--lang", "kk", "--jobs", "1", "--file", str(path))
    df = spark.read.text(str(path)).withColumn("n", F.monotonically_increasing_id())
    rows = sorted(kzspark.check_text(df, "value", lang="kk").collect(), key=lambda r: r["n"])
    assert len(rows) == len(cli) == 6
    for i, (row, expected) in enumerate(zip(rows, cli, strict=True)):
        assert_same(row, expected, f"line {i + 1}")
    assert rows[0]["verdict"] != "safe" and rows[1]["urls"] == ["http://kaspi-bonus.kz/login"]
    assert rows[3]["error"] is None and 1_000_000 < len(rows[3]["value"].encode()) < 1 << 20
    assert "TXT-CODE-001" in rows[3]["rule_ids"]
    assert rows[4]["error"] is not None and "limit" in rows[4]["error"]
    assert "+77011234567" in rows[5]["phones"]


def test_nulls_empty_text_and_binary_columns(spark: Any) -> None:
    from kzscam import spark as kzspark

    df = spark.createDataFrame(
        [(1, None, None), (2, "", b""), (3, "Назовите код из SMS", "Назовите код из SMS".encode() + b"\xff")],
        "id int, text string, raw binary")
    rows = {r["id"]: r for r in kzspark.check_text(df, "text", lang="en").collect()}
    assert rows[1]["error"] == "column 'text' is null" and rows[1]["verdict"] == "caution"
    empty = api.check_text("", lang="en")
    assert (rows[2]["verdict"], rows[2]["score"], rows[2]["error"]) == (empty.verdict.label, 0, None)
    assert rows[3]["verdict"] == api.check_text("Назовите код из SMS", lang="en").verdict.label
    raw = {r["id"]: r for r in kzspark.check_text(df.drop("text"), "raw", lang="en").collect()}
    assert raw[1]["error"] == "column 'raw' is null"
    # A byte that is not UTF-8 becomes U+FFFD; the message itself is still checked.
    assert "TXT-CODE-001" in raw[3]["rule_ids"] and raw[3]["error"] is None


def test_bad_arguments_are_clear_errors_on_the_driver(spark: Any) -> None:
    from kzscam import spark as kzspark

    df = spark.createDataFrame([(1, "hello")], "id int, verdict string")
    with pytest.raises(ValueError, match="no column 'text'"):
        kzspark.check_text(df, "text")
    with pytest.raises(ValueError, match="column 'id' is int"):
        kzspark.check_text(df, "id")
    with pytest.raises(ValueError, match="already has column"):
        kzspark.check_text(df, "verdict")
    with pytest.raises(ValueError, match="unknown language"):
        kzspark.check_text(df.withColumnRenamed("verdict", "text"), lang="de")


def test_engine_is_built_once_per_worker_not_per_batch(spark: Any) -> None:
    from kzscam import spark as kzspark

    texts = [f"Сообщение {i}: назовите код из SMS" if i % 3 else f"Встреча в {i}" for i in range(600)]
    df = spark.createDataFrame([(t,) for t in texts], "text string").repartition(4)
    counters = kzspark.Counters.create(spark)
    spark.conf.set("spark.sql.execution.arrow.maxRecordsPerBatch", "10")
    try:
        n = kzspark.check_text(df, counters=counters).where("verdict != 'safe'").count()
    finally:
        spark.conf.unset("spark.sql.execution.arrow.maxRecordsPerBatch")
    assert n == sum(api.check_text(t).verdict.label != "safe" for t in texts)
    assert counters.rows.value == 600 and counters.errors.value == 0
    assert counters.batches.value >= 60
    # local[2]: two Python workers at most, each building the engine once for this config.
    # Earlier tests may have warmed the same workers already: then nothing is built at all.
    assert counters.engines.value <= 2, counters.engines.value


RULE = """
[[rules]]
id = "TXT-ORG-901"
name = "in-house-lottery-brand"
subject = "text"
severity = "high"
category = "prize_lure"
tags = ["prize"]
languages = ["kk", "ru", "en"]
references = ["in-house"]
[rules.match]
any = ["алтынкүн лотере*"]
[rules.texts.en]
title = "Mentions the fake Altynkun lottery"
advice = "There is no Altynkun lottery; do not pay any fee."
[rules.texts.ru]
title = "Упоминает поддельную лотерею Алтынкүн"
advice = "Лотереи Алтынкүн не существует; ничего не оплачивайте."
[rules.texts.kk]
title = "Жалған Алтынкүн лотереясы"
advice = "Алтынкүн лотереясы жоқ; ештеңе төлемеңіз."
[rules.examples]
hit = ["Вы выиграли в Алтынкүн лотерее!", "Алтынкүн лотереясы: ұтыс"]
miss = ["Алтынкүн кафе открыто", "лотерея Kaspi"]
"""


def test_config_travels_with_the_job(spark: Any, tmp_path: Path) -> None:
    from kzscam import spark as kzspark

    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "house.toml").write_text(RULE, encoding="utf-8")
    text = "Вы выиграли в Алтынкүн лотерее! Назовите код из SMS и зайдите на https://bank-example.kz"
    config = Config(rules_dir=rules, disabled_rules=frozenset({"TXT-CODE-004"}),
                    allow_domains=frozenset({"bank-example.kz"}), lang="kk")
    expected = api.check_text(text, config=config)
    df = kzspark.check_text(spark.createDataFrame([(text,)], "text string"), config=config)
    shutil.rmtree(rules)  # the rule files were read when the job was defined: executors need none
    row = df.collect()[0]
    assert "TXT-ORG-901" in row["rule_ids"] and "TXT-CODE-004" not in row["rule_ids"]
    assert list(row["rule_ids"]) == [f.rule_id for f in expected.findings]
    assert row["score"] == expected.score
    titles = [f["title"] for f in json.loads(row["findings"])]
    assert "Жалған Алтынкүн лотереясы" in titles  # config.lang (kk) chose the advisory language


URLS = ["http://kaspi-app.top/update.apk", "https://kaspi.kz/shop", "hxxps://egov-kz[.]com/login",
        "https://xn--kspi-xqa.kz/", "not a link at all", "https://bit.ly/3xYz"]


def test_check_url_rows_match_check_url_jsonl(spark: Any) -> None:
    from kzscam import spark as kzspark

    cli = cli_jsonl("check-url", "--lang", "en", *URLS)
    df = spark.createDataFrame([(i, u) for i, u in enumerate(URLS)], "i int, url string")
    rows = sorted(kzspark.check_url(df, lang="en").collect(), key=lambda r: r["i"])
    assert len(rows) == len(cli) == len(URLS)
    for row, expected in zip(rows, cli, strict=True):
        assert_same(row, expected, row["url"])
        details = json.loads(row["details"]) if row["details"] else {}
        assert details == {k: v for k, v in expected.items() if k not in (*COMPARED, "input")}
    assert rows[0]["verdict"] == "dangerous"


def test_scan_qr_over_binary_files_matches_scan_qr_jsonl(spark: Any) -> None:
    from kzscam import spark as kzspark

    if not QR_DIR.is_dir():
        pytest.skip(f"{QR_DIR} not found (the shared corpus sits beside the repository)")
    images = sorted(p for p in QR_DIR.iterdir() if p.suffix == ".png")[:8]
    cli = {Path(r["input"]).name: r for r in cli_jsonl("scan-qr", "--lang", "ru", *map(str, images))}
    df = spark.read.format("binaryFile").load([str(p) for p in images])
    broken = spark.createDataFrame([("file:/nowhere/broken.png", 0, 9, bytearray(b"\x89PNG\r\nxx"))],
                                   "path string, modificationTime long, length long, content binary")
    rows = kzspark.scan_qr(df.drop("modificationTime").unionByName(
        broken.drop("modificationTime")), lang="ru").collect()
    by_name = {Path(r["path"]).name: r for r in rows}
    assert len(rows) == len(images) + 1
    for path in images:
        row, expected = by_name[path.name], cli[path.name]
        assert_same_qr = {k: expected[k] for k in COMPARED}
        got = spark_result(row)
        assert got == assert_same_qr, path.name
        codes = json.loads(row["details"])["codes"]
        for code in codes:  # each code is named after its image: Spark's path is a URI
            code["input"] = code["input"].removeprefix("file:")
        assert codes == expected["codes"], path.name
    assert by_name["broken.png"]["error"] and by_name["broken.png"]["verdict"] == "caution"


# The ready job, in this process (the shared session) ---------------------------------------------

def run_job(spark: Any, *args: str) -> tuple[int, dict[str, Any] | None, str]:
    from kzscam.spark.job import run

    out = io.StringIO()
    code = run([*args, "--json"], spark=spark, out=out)
    return code, (json.loads(out.getvalue()) if out.getvalue() else None), ""


def test_job_jsonl_to_parquet_partitioned_by_verdict(spark: Any, tmp_path: Path,
                                                     dev_cli: dict[str, dict[str, Any]]) -> None:
    out = tmp_path / "verdicts"
    code, summary, _ = run_job(spark, str(DEV), "--output", str(out), "--lang", "ru")
    assert summary is not None
    expected = Counter(r["verdict"] for r in dev_cli.values())
    labels = ("safe", "caution", "suspicious", "dangerous")
    assert summary["verdicts"] == {v: expected.get(v, 0) for v in labels}
    assert summary["rows"] == len(dev_cli) and summary["errors"] == 0
    flagged = expected["suspicious"] + expected["dangerous"]
    assert summary["at_or_above_fail_on"] == flagged and code == (1 if flagged else 0)
    rules = Counter(rule for r in dev_cli.values() for rule in {f["rule_id"] for f in r["findings"]})
    top = summary["top_rules"][0]
    assert top["rows"] == max(rules.values()) and rules[top["rule_id"]] == top["rows"]
    partitions = {p.name for p in out.iterdir() if p.is_dir()}
    assert partitions == {f"verdict={v}" for v in expected}
    written = spark.read.parquet(str(out / "verdict=dangerous"))
    assert written.count() == expected["dangerous"] and "label" in written.columns
    # The same output again is refused (exit 2) unless --overwrite; --fail-on moves the threshold.
    assert run_job(spark, str(DEV), "--output", str(out))[0] == 2
    code, summary, _ = run_job(spark, str(DEV), "--output", str(out), "--overwrite",
                               "--fail-on", "dangerous", "--lang", "ru")
    assert summary is not None and summary["at_or_above_fail_on"] == expected["dangerous"]


def test_job_csv_with_nulls_exits_3_and_parquet_urls(spark: Any, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    csv = tmp_path / "chats.csv"
    csv.write_text('id,text\n1,"Сәлем! Бұл Ұлттық Банктен.\nКодты айтыңыз"\n2,\n3,Купи хлеба\n',
                   encoding="utf-8")
    capsys.readouterr()
    code, summary, _ = run_job(spark, str(csv), "--output", str(tmp_path / "o1"))
    assert summary is not None and code == 3  # a null row is an input error, and it wins over 1
    assert summary["rows"] == 3 and summary["errors"] == 1
    assert capsys.readouterr().err == "kzscam-spark: id '2': column 'text' is null\n"
    assert summary["verdicts"]["dangerous"] + summary["verdicts"]["suspicious"] >= 1

    parquet = tmp_path / "links.parquet"
    spark.createDataFrame([(u,) for u in URLS], "link string").coalesce(1).write.parquet(str(parquet))
    code, summary, _ = run_job(spark, str(parquet), "--kind", "url", "--column", "link",
                               "--output", str(tmp_path / "o2"))
    # "not a link at all" is an input error, as in check-url: exit 3 wins over the flagged links.
    assert summary is not None and code == 3 and summary["rows"] == len(URLS)
    assert summary["errors"] == 1 and summary["verdicts"]["dangerous"] >= 1

    # Problems before any row: one line on stderr, kzscam's exit codes, no traceback.
    capsys.readouterr()
    assert run_job(spark, str(csv), "--column", "body", "--output", str(tmp_path / "o3"))[0] == 2
    assert run_job(spark, str(tmp_path / "missing.jsonl"), "--output", str(tmp_path / "o4"))[0] == 3
    assert run_job(spark, str(csv), "--fail-on", "worst", "--output", str(tmp_path / "o5"))[0] == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 3 and all(line.startswith("kzscam-spark: ") for line in err), err
    assert "no column 'body'" in err[0] and "missing.jsonl" in err[1]


def test_job_over_an_image_folder_scans_images_only(spark: Any, tmp_path: Path) -> None:
    folder = SHARED / "corpus" / "qr" / "qrcode-1"
    if not folder.is_dir():
        pytest.skip(f"{folder} not found (the shared corpus sits beside the repository)")
    images = [p for p in folder.iterdir() if p.suffix.lower() in (".png", ".jpg", ".webp")]
    cli = cli_jsonl("scan-qr", str(folder))
    out = tmp_path / "qr"
    code, summary, _ = run_job(spark, str(folder), "--kind", "qr", "--output", str(out))
    assert summary is not None and summary["rows"] == len(images) == len(cli) > 0
    assert summary["verdicts"] == {v: sum(r["verdict"] == v for r in cli)
                                   for v in ("safe", "caution", "suspicious", "dangerous")}
    assert "content" not in spark.read.parquet(str(out)).columns  # the image bytes stay behind
    assert code == (3 if summary["errors"] else 1 if summary["at_or_above_fail_on"] else 0)


def test_kzscam_spark_entry_point_runs_its_own_spark(tmp_path: Path) -> None:
    """The installed `kzscam-spark` command, as a user runs it: its own JVM, local[1]."""
    if shutil.which("java") is None:
        _unavailable("no java on PATH")
    script = Path(sys.executable).parent / "kzscam-spark"
    if not script.exists():
        pytest.skip(f"{script} not installed (pip install -e '.[test]')")
    data = tmp_path / "sms.jsonl"
    data.write_text("\n".join(json.dumps({"id": i, "text": t}, ensure_ascii=False) for i, t in enumerate(
        ["Назовите код из SMS, это служба безопасности банка", "Ертең сағат 10-да жиналыс болады"]))
        + "\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "PYSPARK_GATEWAY_PORT"}
    proc = subprocess.run([str(script), str(data), "--output", str(tmp_path / "out"), "--master",
                           "local[1]", "--lang", "en"], capture_output=True, text=True, env=env,
                          timeout=600, check=False)
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert "2 rows checked" in proc.stdout and "TXT-CODE-001" in proc.stdout
    written = {p.name for p in (tmp_path / "out").iterdir() if p.is_dir()}
    assert written == {"verdict=dangerous", "verdict=safe"}


# How the job writes and starts its JVM --------------------------------------------------------

def _last_plan(spark: Any, previous: int) -> str:
    """The physical plan of the newest SQL execution after `previous` (Spark's status store)."""
    import time

    store = spark._jsparkSession.sharedState().statusStore()
    for _ in range(100):  # the listener that fills the store runs on its own thread
        if store.executionsCount() > previous:
            executions = store.executionsList()
            return str(executions.apply(executions.size() - 1).physicalPlanDescription())
        time.sleep(0.1)
    raise AssertionError("no SQL execution recorded")


def test_write_verdicts_partitions_by_verdict_without_a_sort(spark: Any, tmp_path: Path) -> None:
    from kzscam import spark as kzspark

    texts = ["Назовите код из SMS, это служба безопасности банка", "Встреча в 10:00",
             "Мама, у меня новый номер, скинь 50 000 на карту", "Купи хлеба по дороге домой",
             "Open http://kaspi-app.top/update.apk", "Код: 4821. Никому не сообщайте его"] * 5
    df = spark.createDataFrame(list(enumerate(texts)), "i int, text string").repartition(2)
    key = "spark.sql.maxConcurrentOutputFileWriters"
    before = spark.conf.get(key)
    store = spark._jsparkSession.sharedState().statusStore()

    count = store.executionsCount()
    kzspark.write_verdicts(kzspark.check_text(df, lang="en"), str(tmp_path / "fast"))
    plan = _last_plan(spark, count)
    assert "WriteFiles" in plan and "Sort [" not in plan, plan
    assert spark.conf.get(key) == before  # the session's own setting is back
    # Spark's plain partitionBy sorts each task's rows first: the check above can tell them apart.
    count = store.executionsCount()
    kzspark.check_text(df, lang="en").write.partitionBy("verdict").parquet(str(tmp_path / "sorted"))
    assert "Sort [" in _last_plan(spark, count)

    rows = {r["i"]: r for r in spark.read.parquet(str(tmp_path / "fast")).collect()}
    assert len(rows) == len(texts)
    for i, text in enumerate(texts):
        expected = api.check_text(text, lang="en")
        assert (rows[i]["verdict"], rows[i]["score"]) == (expected.verdict.label, expected.score)
    from pyspark.errors import AnalysisException

    with pytest.raises(AnalysisException, match="already exists"):
        kzspark.write_verdicts(kzspark.check_text(df, lang="en"), str(tmp_path / "fast"))
    kzspark.write_verdicts(kzspark.check_text(df.limit(3), lang="en"), str(tmp_path / "fast"),
                           overwrite=True)
    assert spark.read.parquet(str(tmp_path / "fast")).count() == 3


JVM_PROBE = """
import json, sys
from kzscam.spark.job import session
spark = session("local[1]", None if sys.argv[1] == "default" else sys.argv[1])
mf = spark._jvm.java.lang.management.ManagementFactory
print(json.dumps({"args": list(mf.getRuntimeMXBean().getInputArguments()),
                  "gc": sorted(b.getName() for b in mf.getGarbageCollectorMXBeans())}))
spark.stop()
"""


def test_local_session_starts_its_jvm_with_kzscams_flags_or_the_given_ones() -> None:
    """`kzscam-spark --master local[N]` (no spark-submit): C1 only and the serial collector by
    default (docs/spark.md, "Local runs"); `--java-options` replaces them."""
    if shutil.which("java") is None:
        _unavailable("no java on PATH")
    env = {k: v for k, v in os.environ.items() if k != "PYSPARK_GATEWAY_PORT"}
    env.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    procs = [subprocess.Popen([sys.executable, "-c", JVM_PROBE, flags], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
             for flags in ("default", "-XX:+UseParallelGC -XX:ParallelGCThreads=1")]
    found = []
    for proc in procs:
        out, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err[-2000:]
        found.append(json.loads(out.strip().splitlines()[-1]))
    default, custom = found
    assert {"-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"} <= set(default["args"])
    assert default["gc"] == ["Copy", "MarkSweepCompact"]  # the serial collector's two halves
    assert "-XX:TieredStopAtLevel=1" not in custom["args"] and "-XX:+UseParallelGC" in custom["args"]
    assert custom["gc"] == ["PS MarkSweep", "PS Scavenge"]
