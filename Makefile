# CoopDesk developer commands. Needs only Python 3.11+ and make: `make install` builds the
# virtualenv itself. Override the interpreter with `make PYTHON=python3.12 ...`.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# Touched after a successful install; re-installs only when pyproject.toml changes.
STAMP := $(VENV)/.coopdesk-installed
PYTEST_ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help install run test soak lint format package icons bench clean distclean translations catalogues

# Translations (see docs/translating.md): gettext catalogues in two domains, extracted and
# compiled with Babel. "window" holds coopdesk/gui's words, "core" everything else the core
# says to people; the one _() looks in both. The .mo files are built, not committed: every
# target that runs CoopDesk compiles the ones older than their .po first.
LOCALE := coopdesk/locale
LANGS := es fr ar
PSEUDO := xx
KEYWORDS := -k _ -k ngettext:1,2 -k npgettext:1c,2,3 -k N_
PO_FILES := $(wildcard $(LOCALE)/*/LC_MESSAGES/*.po)
MO_FILES := $(PO_FILES:.po=.mo)

help:
	@echo "make install   create $(VENV) (with $(PYTHON)) and install CoopDesk with its dev tools"
	@echo "make run       open the app"
	@echo "make test      run the whole test suite offscreen (no display needed)"
	@echo "make soak      the property tests with many more random examples (about an hour)"
	@echo "make lint      ruff check, ruff format --check, and the import contracts (lint-imports)"
	@echo "make format    ruff format and ruff check --fix"
	@echo "make package   build dist/coopdesk/ with PyInstaller"
	@echo "make translations  extract the words (.pot), update every .po, write xx, compile"
	@echo "make icons     re-render resources/icons/*.png from coopdesk.svg"
	@echo "make bench     run the benchmarks in tests/bench/"
	@echo "make clean     remove build output and caches (make distclean: also $(VENV))"

install: $(STAMP) catalogues

# The compiled catalogues (.mo) the app reads; `make install` and everything that runs the app.
catalogues: $(STAMP) $(MO_FILES)

$(LOCALE)/%.mo: $(LOCALE)/%.po $(STAMP)
	@$(BIN)/pybabel -q compile -i $< -o $@

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

run: install catalogues
	$(BIN)/coopdesk

# pytest exits 5 when it collects no tests at all; that is not a failure of the suite.
test: install catalogues
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

package: install catalogues
	$(BIN)/pyinstaller --noconfirm --clean --log-level WARN --distpath dist --workpath build/pyinstaller \
		packaging/coopdesk.spec

icons: install
	QT_QPA_PLATFORM=offscreen $(BIN)/python packaging/render_icons.py

bench: install
	QT_QPA_PLATFORM=offscreen $(BIN)/python tests/bench/run.py

translations: $(STAMP)
	$(BIN)/pybabel -q extract --no-default-keywords $(KEYWORDS) --sort-by-file \
		--project CoopDesk --copyright-holder "CoopDesk contributors" \
		-o $(LOCALE)/window.pot coopdesk/gui
	$(BIN)/pybabel -q extract --no-default-keywords $(KEYWORDS) --sort-by-file \
		--project CoopDesk --copyright-holder "CoopDesk contributors" \
		--ignore-dirs gui --ignore-dirs locale -o $(LOCALE)/core.pot coopdesk
	@for domain in window core; do for lang in $(LANGS); do \
		po=$(LOCALE)/$$lang/LC_MESSAGES/$$domain.po; \
		if [ -f $$po ]; then $(BIN)/pybabel -q update --no-fuzzy-matching \
			-D $$domain -l $$lang -i $(LOCALE)/$$domain.pot -d $(LOCALE); \
		else $(BIN)/pybabel -q init -D $$domain -l $$lang -i $(LOCALE)/$$domain.pot -d $(LOCALE); fi; \
	done; \
	$(BIN)/python packaging/pseudo_locale.py $(LOCALE)/$$domain.pot \
		$(LOCALE)/$(PSEUDO)/LC_MESSAGES/$$domain.po; done
	@for po in $(LOCALE)/*/LC_MESSAGES/*.po; do \
		$(BIN)/pybabel compile --statistics -i $$po -o $${po%.po}.mo 2>&1 \
		| grep -v '^compiling' | sed "s|^|$$po: |"; done

clean:
	rm -rf build dist .pytest_cache .ruff_cache .hypothesis *.egg-info
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV)
