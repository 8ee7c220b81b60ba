# The two commands: `make demo` and `make test`. Both create .venv and install what they need on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# A prebuilt llama-cpp-python wheel saves a 7-13 minute compile where ../shared/wheels exists; elsewhere pip
# builds it from source (needs a C++ compiler and cmake).
WHEELS := $(wildcard ../shared/wheels)
FIND_LINKS := $(if $(WHEELS),--find-links $(WHEELS),)
DEMO_DATA := data/tau2-airline/gpt-4.1_airline.subset.json data/tau2-airline/ft-gpt-4.1-sft_airline.subset.json

.PHONY: demo test lint browser install clean-venv

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet $(FIND_LINKS) -e '.[local,dev]'
	touch $@

install: $(BIN)/.installed

demo: $(BIN)/.installed
	$(BIN)/assay grade $(DEMO_DATA) --judge local --out runs
	$(BIN)/assay profile latest --provisional --runs runs

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# The HTML report's screenshot test needs a headless Chromium; installed here where apt-get can (as root),
# otherwise that one test skips and says why.
browser:
	@command -v chromium >/dev/null 2>&1 || { if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else echo "chromium is not installed: the HTML screenshot test will skip"; fi; }

test: lint browser
	$(BIN)/pytest

clean-venv:
	rm -rf $(VENV)
