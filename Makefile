# kzscam developer entry points. Every install step lives here so a fresh clone works with
# `make demo` and `make test` alone (see README.md).

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip
STAMP  := $(VENV)/.installed
SHARED ?= ../shared
export PIP_DISABLE_PIP_VERSION_CHECK=1
export OMP_THREAD_LIMIT=1

.PHONY: help venv sysdeps javadeps demo test lint eval bench docs model fuzz clean

help:
	@echo "make demo    - create .venv, install kzscam, check the bundled sample messages"
	@echo "make test    - install test dependencies (and system packages when root) and run the suite"
	@echo "               (TEST_JOBS=N worker processes, default 2; 0 runs it in one process)"
	@echo "make lint    - ruff + mypy --strict"
	@echo "make eval    - accuracy on ../shared/corpus (texts, URLs, QR images; QR_PHOTOS=DIR adds"
	@echo "               the frozen hard-photo test split built by scripts/qr_photos.py;"
	@echo "               QR_MIRRORS=DIR: git snapshots holding the real-photo benchmark, also the"
	@echo "               source of the high-resolution hard set, scripts/eval_qr_hires.py)"
	@echo "make bench   - speed and memory, written to docs/benchmarks.md"
	@echo "make docs    - regenerate docs/rules.md from the rule files"
	@echo "make model   - retrain the learned text detector from ../shared/corpus and training/"
	@echo "make fuzz    - coverage-guided fuzzing of the image loader and chat readers (atheris)"

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e '.[test]'
	@# The suite runs on the lower bound of every range pinned with a reason (pyproject.toml).
	$(PIP) install -q 'typer==0.28.0'
	$(PY) -m compileall -q kzscam  # byte-code up front: start-up time is measured
	touch $(STAMP)

venv: $(STAMP)

# Optional system packages: libzbar (QR fallback decoder), Tesseract with Kazakh and Russian data
# (screenshots), x11vnc/xrdp/Xvfb (real remote-access server for the audit-host integration test),
# a Cyrillic font (screenshot fixtures). Installed only where we are root and apt exists;
# elsewhere the tests that need them skip with a visible reason.
SYSPKGS := libzbar0 libheif-examples tesseract-ocr tesseract-ocr-kaz tesseract-ocr-rus x11vnc xvfb fonts-dejavu-core iproute2 util-linux
sysdeps:
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  missing=""; for p in $(SYSPKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	  if [ -n "$$missing" ]; then \
	    echo "installing system packages:$$missing"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null) \
	      || echo "warning: apt-get failed; tests needing$$missing will skip"; \
	    case "$$missing" in *x11vnc*) echo "note: x11vnc stays installed, so 'kzscam audit-host' on this machine reports it (README.md: Two commands on a fresh machine)";; esac; \
	  fi; \
	else echo "sysdeps: not root or no apt-get; tests needing system packages will skip"; fi

# Java for the Spark tests (kzscam.spark runs a real local Spark): Debian's headless JRE 17, installed
# only when no `java` is on PATH, we are root and apt exists; elsewhere the Spark tests say why they
# cannot run (and fail under CI=true rather than skip).
javadeps:
	@if command -v java >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "installing openjdk-17-jre-headless (Spark tests)"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless >/dev/null) \
	    || echo "warning: apt-get failed; the Spark tests cannot run"; \
	else echo "javadeps: no java and not root; the Spark tests cannot run"; fi

demo: $(STAMP)
	@echo "== kzscam check-text --lines examples/messages.txt"
	-$(VENV)/bin/kzscam check-text --lines --file examples/messages.txt
	@echo
	@echo "== kzscam check-text (one dangerous message, in Russian)"
	-$(VENV)/bin/kzscam check-text --lang ru "Здравствуйте, это служба безопасности Национального банка. На вас оформлен кредит, срочно переведите деньги на безопасный счет и назовите код из SMS."

# Test worker processes (pytest-xdist; each takes whole test files, so a file's fixtures are built
# once). 2 halves the suite's time on a 2-core machine; TEST_JOBS=0 runs it in this process.
TEST_JOBS ?= 2
test: $(STAMP) sysdeps javadeps
	$(PY) -m pytest -q -n $(TEST_JOBS) --dist loadfile

lint: $(STAMP)
	$(VENV)/bin/ruff check kzscam qrsynth tests scripts
	$(VENV)/bin/mypy

eval: $(STAMP)
	@# QR_PHOTOS (optional) reaches scripts/eval_qr_photos.py through the environment.
	@for s in scripts/eval_*.py; do echo "== $$s"; $(PY) $$s --shared $(SHARED) || exit 1; done

# Messages in the Spark benchmark (scripts/bench_spark.py); lower it on a small or busy machine.
SPARK_MESSAGES ?= 1000000
export SPARK_MESSAGES
bench: $(STAMP)
	$(PY) -m compileall -q kzscam
	$(PY) scripts/bench.py --shared $(SHARED) --out docs/benchmarks.md

docs: $(STAMP)
	$(PY) -m kzscam.rules.docgen > docs/rules.md

# Deterministic: the same data gives the same kzscam/data/text_model.json (a test checks it).
model: $(STAMP)
	$(PIP) install -q -e '.[train]'
	$(PY) scripts/train_model.py --shared $(SHARED)

# Coverage-guided fuzzing (atheris) of the image loader and the chat readers, a few minutes each;
# crash reproducers land in .fuzz/. FUZZ_SECONDS sets the time per target.
FUZZ_SECONDS ?= 240
fuzz: $(STAMP)
	$(PIP) install -q -e '.[fuzz]'
	mkdir -p .fuzz/image .fuzz/chat
	$(PY) scripts/fuzz_image.py -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -rss_limit_mb=2048 -artifact_prefix=.fuzz/ .fuzz/image
	$(PY) scripts/fuzz_chat.py -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 -timeout=20 -artifact_prefix=.fuzz/ --corpus .fuzz/chat

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
