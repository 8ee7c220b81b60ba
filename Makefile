# The two commands: `make demo` and `make test`. Both create .venv and install what they need on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# A prebuilt llama-cpp-python wheel saves a 7-13 minute compile where ../shared/wheels exists; elsewhere pip
# builds it from source (needs a C++ compiler and cmake).
WHEELS := $(wildcard ../shared/wheels)
FIND_LINKS := $(if $(WHEELS),--find-links $(WHEELS),)
DEMO_DATA := data/tau2-airline/gpt-4.1_airline.subset.json data/tau2-airline/ft-gpt-4.1-sft_airline.subset.json

.PHONY: demo test lint install clean-venv

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet $(FIND_LINKS) -e '.[local,dev]'
	touch $@

install: $(BIN)/.installed

demo: $(BIN)/.installed
	$(BIN)/assay grade $(DEMO_DATA) --judge local --out runs

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint
	$(BIN)/pytest

clean-venv:
	rm -rf $(VENV)
