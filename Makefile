# CoopDesk developer commands. Needs only Python 3.11+ and make: `make install` builds the
# virtualenv itself. Override the interpreter with `make PYTHON=python3.12 ...`.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# Touched after a successful install; re-installs only when pyproject.toml changes.
STAMP := $(VENV)/.coopdesk-installed
PYTEST_ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help install run test soak lint format package icons bench clean distclean

help:
	@echo "make install   create $(VENV) (with $(PYTHON)) and install CoopDesk with its dev tools"
	@echo "make run       open the app"
	@echo "make test      run the whole test suite offscreen (no display needed)"
	@echo "make soak      the property tests with many more random examples (about an hour)"
	@echo "make lint      ruff check, ruff format --check, and the import contracts (lint-imports)"
	@echo "make format    ruff format and ruff check --fix"
	@echo "make package   build dist/coopdesk/ with PyInstaller"
	@echo "make icons     re-render resources/icons/*.png from coopdesk.svg"
	@echo "make bench     run the benchmarks in tests/bench/"
	@echo "make clean     remove build output and caches (make distclean: also $(VENV))"

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || { \
		$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { \
			echo "CoopDesk needs Python 3.11 or newer; '$(PYTHON)' is missing or older." \
			     "Try: make PYTHON=python3.11 $(MAKECMDGOALS)" >&2; exit 1; }; \
		echo "Creating $(VENV) with $(PYTHON)"; \
		$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); \
			echo "Could not create $(VENV). On Debian and Ubuntu: sudo apt install python3-venv" >&2; \
			exit 1; }; }
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $@

run: install
	$(BIN)/coopdesk

# pytest exits 5 when it collects no tests at all; that is not a failure of the suite.
test: install
	@QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest $(PYTEST_ARGS); status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest: no tests collected (treated as success)"; exit 0; fi; \
	exit $$status

# The property tests with ten times the examples and new random ones each run (slow: ~1 h).
soak: install
	QT_QPA_PLATFORM=offscreen COOPDESK_HYPOTHESIS_PROFILE=explore COOPDESK_PROPERTY_EXAMPLES=3000 \
		COOPDESK_FORGERY_EXAMPLES=250 COOPDESK_LONG_GUI=1 $(BIN)/python -m pytest -q \
		tests/sync/test_convergence.py tests/sync/test_forgeries.py tests/store/test_schema.py \
		tests/gui/test_day_at_the_coop.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

package: install
	$(BIN)/pyinstaller --noconfirm --clean --log-level WARN --distpath dist --workpath build/pyinstaller \
		packaging/coopdesk.spec

icons: install
	QT_QPA_PLATFORM=offscreen $(BIN)/python packaging/render_icons.py

bench: install
	QT_QPA_PLATFORM=offscreen $(BIN)/python tests/bench/run.py

clean:
	rm -rf build dist .pytest_cache .ruff_cache .hypothesis *.egg-info
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV)
