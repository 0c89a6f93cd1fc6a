# rbp developer tasks. Works with no standard input, as root on a fresh Debian machine
# with Python 3.11 (system packages come from apt, Python packages from PyPI).
#
#   make test      venv + Graphviz + PostgreSQL binaries + Chromium, then the tests and doctests
#   make lint      ruff check, ruff format --check, mypy (strict), lint-imports (the floors),
#                  pydoclint (numpydoc sections), vulture (dead code; vulture_whitelist.py)
#   make demo      venv + Graphviz + Chromium, then the demo (python -m rbp.demo): demo-out/
#                  and the README's pictures in docs/ (brief.png, network-district.png,
#                  coverage-matrix.png)
#   make bench     Step 12's benchmarks at the sizes that build in a minute (100k and 500k
#                  interactions; a few minutes in all) and print their figures
#   make bench-large   the same at 5M interactions (builds the large city once, into bench/out)
#   make clean     remove caches and build output; `make distclean` also removes .venv

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := test
export DEBIAN_FRONTEND := noninteractive
export PIP_DISABLE_PIP_VERSION_CHECK := 1

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.rbp-installed
PYTEST_ARGS ?=
# Test processes (pytest-xdist): one per core, each taking tests from the other's queue
# when its own runs dry (worksteal: the long PostgreSQL property tests otherwise leave
# one core idle at the end); `make test PYTEST_WORKERS=0` runs in one.
PYTEST_WORKERS ?= auto

.PHONY: venv graphviz postgres chromium test lint demo bench bench-large clean distclean

# ---------------------------------------------------------------------------- venv
# Re-installs only when pyproject.toml is newer than the stamp.

venv: $(STAMP)

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "no python3.11 or python3 on PATH" >&2; exit 1; }
	@if [ ! -x $(PY) ]; then \
	  if ! $(PYTHON) -c 'import ensurepip, venv' 2>/dev/null; then \
	    if [ "$$(id -u)" = 0 ]; then \
	      v=$$($(PYTHON) -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")'); \
	      apt-get update -qq; \
	      apt-get install -y -qq python$$v-venv >/dev/null || apt-get install -y -qq python3-venv >/dev/null; \
	    else \
	      echo "$(PYTHON) cannot make a venv: install Debian's python3-venv (sudo apt-get install python3-venv)" >&2; \
	      exit 1; \
	    fi; \
	  fi; \
	  rm -rf $(VENV); \
	  $(PYTHON) -m venv $(VENV); \
	fi
	@# The distribution was called rbp before it became rbp-crm (rbp on PyPI is another
	@# project); a venv made before the rename would hold both, so the old one goes.
	@if $(PY) -m pip show -q rbp >/dev/null 2>&1; then $(PY) -m pip uninstall -q -y rbp; fi
	$(PY) -m pip install -q -e '.[dev]'
	@touch $@

# ---------------------------------------------------------------------------- system packages

graphviz:
	@if command -v dot >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
	  echo "installing Graphviz (dot) with apt-get"; \
	  apt-get update -qq && apt-get install -y -qq graphviz >/dev/null; \
	else \
	  echo "Graphviz's dot is not on PATH; the diagram tests that render will be skipped."; \
	  echo "Install it with: sudo apt-get install graphviz"; \
	fi

# tests/e2e/test_report_browser.py opens the HTML report and the brief in a real headless
# Chromium; make demo photographs the brief with it (docs/brief.png).
chromium:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
	  echo "installing Chromium (headless browser for the HTML report test) with apt-get"; \
	  apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	else \
	  echo "/usr/bin/chromium is missing; the browser tests will be SKIPPED and make demo skips docs/brief.png."; \
	  echo "Install it with: sudo apt-get install chromium"; \
	fi

# The tests start a throwaway cluster with initdb + pg_ctl from /usr/lib/postgresql/*/bin.
postgres:
	@if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
	  echo "installing PostgreSQL 15 (initdb, pg_ctl) with apt-get"; \
	  apt-get update -qq; \
	  apt-get install -y -qq postgresql-15 >/dev/null || apt-get install -y -qq postgresql >/dev/null; \
	else \
	  echo "PostgreSQL's initdb is not under /usr/lib/postgresql/*/bin; the PostgreSQL tests will be SKIPPED."; \
	  echo "Install it with: sudo apt-get install postgresql-15"; \
	fi

# ---------------------------------------------------------------------------- tasks

test: venv graphviz postgres chromium
	$(PY) -m pytest -q -p no:cacheprovider -n $(PYTEST_WORKERS) --dist worksteal --durations=20 $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff check rbp tests bench
	$(VENV)/bin/ruff format --check rbp tests bench
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports
	$(VENV)/bin/pydoclint rbp
	$(VENV)/bin/vulture rbp tests examples bench vulture_whitelist.py --min-confidence 80

demo: venv graphviz chromium
	$(PY) -m rbp.demo --docs docs

bench: venv
	$(PY) -m bench.window --sizes 100k,500k
	$(PY) -m bench.scale --size medium
	$(PY) -m bench.ingest --size small

bench-large: venv
	$(PY) -m bench.window
	$(PY) -m bench.scale
	$(PY) -m bench.ingest --size medium

clean:
	rm -rf .pytest_cache .mypy_cache .ruff_cache .hypothesis build dist demo-out bench/out *.egg-info
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV)
