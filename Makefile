# Everyday verbs. `make run` and `make test` set up everything they need.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
STAMP := $(VENV)/.installed-$(shell sha256sum pyproject.toml | cut -c1-12)
MO_FILES := $(patsubst %.po,%.mo,$(wildcard translations/*/LC_MESSAGES/messages.po))
AXE := node_modules/axe-core/axe.min.js
PDF_FONTS := build/pdf-fonts/.made-$(shell sha256sum portfolio/export/fonts.py | cut -c1-12)
CHROMIUM := /usr/bin/chromium

demo: $(STAMP) translations fonts
	$(BIN)/flask --app portfolio db upgrade
	$(BIN)/flask --app portfolio demo

.PHONY: fonts pdf-tools demo run test test-sqlite test-postgres lint bench translations translations-update browser-deps clean help

help:
	@echo "make run    - set up and serve on http://127.0.0.1:$(PORT)"
	@echo "make test   - set up and run every test suite (SQLite; PostgreSQL too when TEST_DATABASE_URL is set)"
	@echo "make lint   - ruff and mypy"
	@echo "make bench  - benchmarks that print figures"
	@echo "make demo   - load a demo portfolio into the development database"

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-* && touch $@

translations/%/LC_MESSAGES/messages.mo: translations/%/LC_MESSAGES/messages.po $(STAMP)
	$(BIN)/pybabel compile --statistics -i $< -o $@ | grep -v "^compiling" || true
	@test -s $@

translations: $(MO_FILES)

# The bold faces of the PDF fonts, made once from the variable fonts (about 15 s).
$(PDF_FONTS): $(STAMP) portfolio/export/fonts.py
	$(BIN)/python -c "from portfolio.export import fonts; fonts.build()"
	rm -f build/pdf-fonts/.made-* && touch $@

fonts: $(PDF_FONTS)

# pdftoppm and zbarimg: the tests look at rendered pages and read the QR code.
/usr/bin/pdftoppm /usr/bin/zbarimg:
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils zbar-tools >/dev/null

pdf-tools: /usr/bin/pdftoppm /usr/bin/zbarimg

translations-update: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output \
		--add-comments=Translators: --project=portfolio --copyright-holder="Portfolio contributors" \
		-o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete

run: $(STAMP) translations fonts
	$(BIN)/flask --app portfolio db upgrade
	@echo ""
	@echo "  My Portfolio is running on http://127.0.0.1:$(PORT)  (Ctrl+C stops it)"
	@echo ""
	PUBLIC_URL=$${PUBLIC_URL:-http://127.0.0.1:$(PORT)} $(BIN)/gunicorn --workers 2 --bind 127.0.0.1:$(PORT) --max-requests 1000 --max-requests-jitter 100 \
		--access-logformat '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(L)ss' --access-logfile - 'portfolio:create_app()'

$(CHROMIUM):
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null

$(AXE): package.json package-lock.json
	npm ci --silent --no-audit --no-fund
	@touch $@

browser-deps: $(CHROMIUM) $(AXE)

test: $(STAMP) translations fonts browser-deps pdf-tools lint
	$(BIN)/python -m pytest -p no:cacheprovider
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "== the same suites on PostgreSQL ($$TEST_DATABASE_URL) =="; \
		$(BIN)/python -m pytest -p no:cacheprovider tests/web tests/unit -m "not browser"; \
	fi

lint: $(STAMP)
	$(BIN)/ruff check portfolio tests scripts
	$(BIN)/mypy

bench: $(STAMP) translations fonts
	$(BIN)/python -m tests.perf.bench_login
	$(BIN)/python -m tests.perf.bench_pages
	$(BIN)/python -m tests.perf.bench_portfolio
	$(BIN)/python -m tests.perf.bench_document

clean:
	rm -rf $(VENV) node_modules build translations/*/LC_MESSAGES/*.mo .pytest_cache .mypy_cache .ruff_cache
