# The two commands the README starts with. Each sets itself up from nothing: a venv in
# .venv, the project installed into it, and (for tests) the npm telegram-test-api.
PYTHON ?= python3
VENV   ?= .venv
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
SMOKE  := tests/smoke

.PHONY: demo run test lint

demo: $(STAMP)
	$(VENV)/bin/gridbot demo

run: $(STAMP)
	$(VENV)/bin/gridbot run

test: $(STAMP) $(SMOKE)/node_modules/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

$(STAMP): pyproject.toml
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -e '.[test,postgres,ptb]'
	rm -f $(VENV)/.installed-*
	touch $@

$(SMOKE)/node_modules/.installed: $(SMOKE)/package.json $(SMOKE)/package-lock.json
	cd $(SMOKE) && npm ci --no-audit --no-fund --loglevel=error
	touch $@
