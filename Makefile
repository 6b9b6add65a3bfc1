# Training Recurrent Neural Networks — every command a learner, instructor or CI needs.
# `make lab` opens the course, `make test` runs every check; both create .venv if missing.

PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# pytest's options for nbval (strict, sanitizer, current env) and progress bars off live in
# conftest.py, so plain `pytest notebooks` behaves exactly like these targets.
PYTEST := $(BIN)/python -m pytest -n 2 --dist loadfile
# Other CPUs and BLAS kernels, imitated by choosing the kernels (README, "What may differ"): torch's
# ATen, MKL, OpenBLAS and numpy's own SIMD loops (exp, tanh …). Stored outputs must compare
# equal under each, and under the machine's own kernels (`test`), which are AVX-512 on a CPU
# that has it: torch, MKL, OpenBLAS and numpy all pick their widest kernels by default.
NPY_AVX2 := NPY_DISABLE_CPU_FEATURES=X86_V4,AVX512_ICL,AVX512_SPR
NPY_SSE  := NPY_DISABLE_CPU_FEATURES=X86_V3,X86_V4,AVX512_ICL,AVX512_SPR
AVX2_KERNELS := ATEN_CPU_CAPABILITY=avx2 MKL_ENABLE_INSTRUCTIONS=AVX2 OPENBLAS_CORETYPE=Haswell $(NPY_AVX2)
SSE_KERNELS  := ATEN_CPU_CAPABILITY=default MKL_ENABLE_INSTRUCTIONS=SSE4_2 OPENBLAS_CORETYPE=Nehalem $(NPY_SSE)

.PHONY: help venv lab test test-portable lint unit notebooks browser-deps execute student \
        slides site mycopy bench data hooks clean experiments ledger zh zh-status

help:
	@echo "make lab      open your copy of the course in JupyterLab (sets everything up on first run)"
	@echo "make test     run every check: lint, unit tests, notebooks (nbval), browser test,"
	@echo "              and the notebooks again under other CPU kernels (make test-portable)"
	@echo "make execute  re-run notebooks and store outputs (refuses over uncommitted edits;"
	@echo "              FORCE=1 to override, NB=notebooks/03_x.ipynb for one notebook)"
	@echo "make mycopy   copy the notebooks to my_notebooks/ to work in (never overwrites)"
	@echo "make student  student version without solutions in build/student/"
	@echo "make slides   offline reveal.js slides in build/slides/"
	@echo "make site     offline static HTML course in build/site/"
	@echo "make bench    measure notebook times and numpy-vs-torch speed -> benchmarks/RESULTS.md"
	@echo "make experiments  rerun the long experiments the notebooks load (<= 20 min)"
	@echo "make ledger   write CLAIMS.md, the claims ledger, from the stored notebooks"
	@echo "make zh       build the Chinese edition (notebooks/zh/, README.zh.md) from i18n/zh/"
	@echo "make zh-status  list translations that are missing or stale"
	@echo "make data     regenerate the course corpus in data/ (byte-identical)"
	@echo "make hooks    contributors: configure the nbstripout filter and nbdime for git"

# ---- environment ------------------------------------------------------------------------
venv: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "need $(PYTHON) (Python 3.11) on PATH, or run: make PYTHON=/path/to/python3.11 ..."; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	@# TORCH_INDEX=https://download.pytorch.org/whl/cpu: torch's CPU build of the pinned version
	$(if $(TORCH_INDEX),$(BIN)/python -m pip install --quiet --index-url $(TORCH_INDEX) \
	  $$(grep '^torch==' requirements.txt))
	$(BIN)/python -m pip install --quiet -r requirements.txt
	@# setuptools reports every editable install as a warning ("InformationOnly"); not ours to fix
	PYTHONWARNINGS="ignore:Editable installation" \
	  $(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

node_modules/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

# ---- learners ---------------------------------------------------------------------------
# JupyterLab on my_notebooks/ (updated as by mycopy, never overwriting), the course's
# originals read-only in my_notebooks/course_originals/ (tools/lab.py).
# LAB_ARGS passes options through, e.g. make lab LAB_ARGS="--port 8890 --no-browser".
lab: venv
	$(BIN)/python -m tools.lab --dest my_notebooks $(LAB_ARGS)

mycopy: venv
	$(BIN)/python -m tools.personal_copy --dest my_notebooks

# ---- checks -----------------------------------------------------------------------------
test: venv node_modules/.installed browser-deps lint
	$(PYTEST) tests notebooks/[0-9][0-9]_*.ipynb
	$(MAKE) --no-print-directory test-portable
	COURSE_LIB_PROGRESS=0 $(BIN)/python -m course_lib.experiments check --jobs 2

# Strict nbval under the other kernels (the English notebooks' own-machine run is in `test`).
# The Chinese notebooks' code cells and outputs are the English ones, copied (tests/test_i18n.py
# checks the committed build), so they run once, under SSE, the setting farthest from the
# machine's own; the English ones run under all three.
test-portable: venv
	@echo "strict nbval with $(AVX2_KERNELS)"
	env $(AVX2_KERNELS) $(PYTEST) -q notebooks/[0-9][0-9]_*.ipynb
	@echo "strict nbval with $(SSE_KERNELS)"
	env $(SSE_KERNELS) $(PYTEST) -q notebooks

lint: venv
	$(BIN)/ruff check .

unit: venv
	$(PYTEST) tests

notebooks: venv
	$(PYTEST) notebooks

# CI installs Debian's Chromium for the browser test, and Debian's Noto CJK fonts so that the
# Chinese edition shows real glyphs there (the test checks them); elsewhere the test skips
# without Chromium.
browser-deps:
	@if [ -n "$$CI" ] && [ ! -x /usr/bin/chromium ]; then \
	  echo "CI: installing Debian's chromium for the browser test"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	fi
	@if [ -n "$$CI" ] && [ -z "$$(fc-list :lang=zh 2>/dev/null)" ]; then \
	  echo "CI: installing Debian's fonts-noto-cjk for the browser test of the Chinese edition"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk >/dev/null; \
	fi

# ---- authors and instructors ------------------------------------------------------------
execute: venv
	$(BIN)/python -m tools.execute_notebooks $(if $(FORCE),--force) $(NB)

# student, slides and site: English in build/X/, the Chinese edition (notebooks/zh/, when
# built by `make zh`) in build/X/zh/, each page linked to its twin; EDITION=en or EDITION=zh for one.
student: venv
	$(BIN)/python -m tools.student_version --out build/student --lang $(or $(EDITION),all)

slides: venv node_modules/.installed
	$(BIN)/python -m tools.build_slides --out build/slides --lang $(or $(EDITION),all)

site: venv node_modules/.installed
	$(BIN)/python -m tools.build_site --out build/site --lang $(or $(EDITION),all)

bench: venv
	$(BIN)/python -m tools.benchmark

# The runs too long for a notebook; each writes course_lib/experiments/results/NAME.json.
experiments: venv
	COURSE_LIB_PROGRESS=0 $(BIN)/python -m course_lib.experiments run --jobs 2

ledger: venv
	$(BIN)/python -m course_lib.ledger notebooks/[0-9][0-9]_*.ipynb --out CLAIMS.md

# The Chinese edition: notebooks/zh/, README.zh.md and the Chinese glossary, built from the
# English notebooks and the per-cell translations in i18n/zh/.
zh: venv
	$(BIN)/python -m tools.i18n build

zh-status: venv
	$(BIN)/python -m tools.i18n status

data: venv
	$(BIN)/python -m course_lib.corpus data/

hooks: venv
	git config filter.nbstripout.clean "$(abspath $(BIN))/nbstripout --keep-output --keep-count --keep-id --keep-metadata-keys 'metadata.widgets metadata.course'"
	git config filter.nbstripout.smudge cat
	git config filter.nbstripout.required true
	git config diff.jupyternotebook.command "$(abspath $(BIN))/git-nbdiffdriver diff"
	git config merge.jupyternotebook.driver "$(abspath $(BIN))/git-nbmergedriver merge %O %A %B %L %P"
	git config merge.jupyternotebook.name "jupyter notebook merge driver"
	@echo "nbstripout filter and nbdime diff/merge drivers configured for this clone"

clean:
	rm -rf build .pytest_cache
