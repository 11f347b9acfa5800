# Quick start: `make run` serves the memo on http://127.0.0.1:8000/, `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Local runs use a development key unless SECRET_KEY is set; production sets DEBUG=0.
DEBUG ?= 1
export DEBUG

.PHONY: run test test-browser lint lint-api messages install install-dev assets clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

run: install assets
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_memo
	$(BIN)/python manage.py ensure_local_admin
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# `assets` installs node_modules, which also holds axe-core for the browser tests
# (tests/test_browser.py, which need Debian's /usr/bin/chromium too; without either they
# skip, unless REQUIRE_BROWSER=1).
# The suite runs on every CPU (pytest-xdist), in the order pytest-django gives (tests that
# commit and flush the database last); TEST_WORKERS=0 runs it in this process.
TEST_WORKERS ?= auto
test: install-dev assets
	$(BIN)/python -m pytest --numprocesses $(TEST_WORKERS) --dist load

test-browser: install-dev assets
	$(BIN)/python -m pytest tests/test_browser.py

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

# The NL Design System look: the CSS components of @utrecht/component-library-css (EUPL-1.2,
# pinned in package-lock.json, installed by npm ci) copied into build/static/vendor/utrecht/,
# a git-ignored directory in STATICFILES_DIRS. The files keep their licence headers; nothing
# third-party is committed and no page loads anything from a CDN. Our own theme (design
# tokens) is static/css/limburg-theme.css.
UTRECHT_DIST := node_modules/@utrecht/component-library-css/dist
UTRECHT_BUILD := build/static/vendor/utrecht
UTRECHT_FILES := $(UTRECHT_BUILD)/html.css $(UTRECHT_BUILD)/index.css $(UTRECHT_BUILD)/LICENSE.md

assets: $(UTRECHT_FILES)

$(UTRECHT_BUILD)/%.css: node_modules/.installed
	mkdir -p $(UTRECHT_BUILD)
	cp $(UTRECHT_DIST)/$*.css $@

$(UTRECHT_BUILD)/LICENSE.md: node_modules/.installed
	mkdir -p $(UTRECHT_BUILD)
	cp node_modules/@utrecht/component-library-css/LICENSE.md $@

# The generated OpenAPI document against the Dutch API Design Rules (Spectral, pinned in
# package-lock.json). ADR_RULESET is the official ruleset, kept beside the clone.
ADR_RULESET ?= ../shared/adr/linter.yaml

lint-api: install node_modules/.installed
	$(BIN)/python manage.py spectacular --validate --fail-on-warn --format openapi-json --file $(VENV)/openapi.json
	npx --no-install spectral lint --ruleset $(ADR_RULESET) --fail-severity hint --fail-on-unmatched-globs $(VENV)/openapi.json

# For maintainers, with GNU gettext installed: collect the interface strings (Dutch msgids)
# into locale/en/LC_MESSAGES/django.po, then compile django.mo. Translate the new and fuzzy
# entries in the .po file and run it again; commit both files (make run and make test need
# no gettext). tests/test_translations.py fails until every string has its translation.
messages: install
	$(BIN)/python manage.py makemessages --locale en --no-obsolete --add-location file \
		--ignore 'node_modules/*' --ignore 'static/*' --ignore 'staticfiles/*' --ignore 'build/*' --ignore 'tests/*'
	$(BIN)/python manage.py compilemessages --locale en --locale nl --ignore '.venv/*' --ignore 'node_modules/*'

clean:
	rm -rf $(VENV) node_modules db.sqlite3 staticfiles build
