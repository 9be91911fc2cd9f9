# Two commands set everything up on a fresh Debian/Ubuntu machine:
#   make run    install what is missing, then serve http://127.0.0.1:8000 (PORT overrides)
#   make test   install what is missing, then run the whole test suite (what CI runs)
#   make test-fast  the quick verdict while working: leaves out the slow and browser tests
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
SYSTEM_PACKAGES := espeak-ng ffmpeg chromium redis-server wordpress mariadb-server php-cli php-mysql php-xml

.PHONY: run test test-fast system venv bench eval lint clean wordpress-plugin

run: venv
	$(BIN)/listen serve --host 127.0.0.1 --port $(PORT)

# The tests start hundreds of Python processes (commands, planners, fork servers, workers); where
# the environment forbids writing bytecode (many container images set PYTHONDONTWRITEBYTECODE),
# each would compile listen and the tests from source again: written once, a tenth of a second
# less CPU each, and seconds less per pytest worker collecting the tests.
test test-fast: export PYTHONDONTWRITEBYTECODE :=

# The whole suite in TEST_WORKERS processes (pytest-xdist), a test file to each at a time: its
# long waits (a Redis outage, browsers, real-engine renders) overlap, and leave the two cores
# half idle with three. Files go out in the order tests/conftest.py gives (the longest waits
# first), not xdist's largest-first, which started the one-test Redis outage file last: 7:04 ->
# 5:24 on two cores. TEST_WORKERS=0 runs it in one.
TEST_WORKERS ?= 4
XDIST = -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder
test: venv
	$(BIN)/python -m pytest -q --durations=15 $(XDIST)

# The same processes: one alone spends over a minute of its own CPU on the quick tests.
test-fast: venv
	$(BIN)/python -m pytest -q -m "not slow and not browser" $(XDIST)

# System packages: installed with apt-get when missing (as root, or with sudo).
system:
	@missing=""; \
	command -v espeak-ng >/dev/null || missing="$$missing espeak-ng"; \
	command -v ffmpeg >/dev/null || missing="$$missing ffmpeg"; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v redis-server >/dev/null || missing="$$missing redis-server"; \
	dpkg -s libespeak-ng1 >/dev/null 2>&1 || missing="$$missing libespeak-ng1"; \
	test -f /usr/share/wordpress/wp-load.php || missing="$$missing wordpress"; \
	command -v mariadb-install-db >/dev/null || missing="$$missing mariadb-server"; \
	command -v php >/dev/null || missing="$$missing php-cli"; \
	dpkg -s php-mysql >/dev/null 2>&1 || missing="$$missing php-mysql"; \
	dpkg -s php-xml >/dev/null 2>&1 || missing="$$missing php-xml"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing system packages:$$missing"; \
	  if command -v apt-get >/dev/null; then \
	    SUDO=""; [ "$$(id -u)" -eq 0 ] || SUDO="sudo"; \
	    $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "Please install:$$missing (see README: without root / on macOS)"; exit 1; \
	  fi; \
	fi

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# Reinstall only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e ".[dev]"
	touch $@

venv: system $(VENV)/.installed

bench: venv
	$(BIN)/python bench/pipeline_bench.py

# Segmentation and normalisation scored on the development sets of real text (../shared/data).
eval: venv
	$(BIN)/python bench/text_eval.py

# ruff (rules and format), mypy, and the layering contracts in pyproject.toml (import-linter).
lint: venv
	$(BIN)/ruff check listen web tests bench support
	$(BIN)/ruff format --check listen web tests bench support
	$(BIN)/mypy listen web
	$(BIN)/lint-imports

# The WordPress plugin as an installable zip: dist/listen-wordpress.zip (docs/wordpress.md).
wordpress-plugin:
	sh integrations/wordpress/build-zip.sh

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
