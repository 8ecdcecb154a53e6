# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Debian packages the end-to-end tests drive: a real terminal, a real X clipboard, the
# shells whose completion is tested (bash is always there) and a real browser
# (headless Chromium follows the console sign-in URL).
DEB_PKGS := tmux xvfb xclip xauth zsh fish chromium

.PHONY: demo test lint bench screenshots clean sysdeps venv unit

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

# Installs the Debian packages tests need when one is missing (root, or via sudo).
sysdeps:
	@missing=""; \
	for p in $(DEB_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages:$$missing"; \
		SUDO=""; [ "$$(id -u)" = 0 ] || SUDO="sudo"; \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null || \
		{ echo "could not install:$$missing (tests needing them will skip outside CI)"; [ "$$CI" != "true" ]; }; \
	fi

demo: $(STAMP)
	$(BIN)/ssotui --demo

test: $(STAMP) sysdeps lint
	$(BIN)/python -m pytest -q -p no:cacheprovider

unit: $(STAMP)
	$(BIN)/python -m pytest -q -m "not e2e"

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

bench: $(STAMP)
	@$(MAKE) --no-print-directory sysdeps DEB_PKGS=valgrind  # bench/start_instructions.py
	$(BIN)/python -m pip install -q -e '.[bench]'
	$(BIN)/python bench/run.py

screenshots: $(STAMP)
	$(BIN)/python scripts/screenshots.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build dist src/*.egg-info .demo
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
