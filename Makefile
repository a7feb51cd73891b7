# The two front-door commands are `make run` and `make test` (see README.md).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
# System packages the suite needs, as command:debian-package.
TEST_SYSTEM_PACKAGES := redis-server:redis-server chromium:chromium npm:npm

.DEFAULT_GOAL := help
.PHONY: help run test bench soak lint check bootstrap clean messages

help:
	@echo "make run    set everything up and run web + worker + beat on http://127.0.0.1:8000"
	@echo "make test   set everything up and run linters and the whole test suite"
	@echo "make bench  measure CareerPlan at 100,000 users; writes benchmarks/RESULTS.md"
	@echo "make soak   10 minutes of steady mixed load; writes benchmarks/SOAK.md"
	@echo "make messages  gather and compile the API's German messages (locale/de; needs gettext)"

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "CareerPlan needs Python 3.11 or newer; set PYTHON=/path/to/python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Stamps record that the venv holds exactly the pinned requirements.
$(VENV)/.run-installed: requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@ $(VENV)/.run-installed

# This checkout's own settings: .env.example on first use, plus a random
# signing key made here, so no key is ever committed or shared between
# checkouts. Phony, so an older .env without a key gets one too; once both
# exist it changes nothing.
.PHONY: .env
.env:
	@test -f .env || cp .env.example .env
	@grep -q '^DJANGO_SECRET_KEY=.' .env || { \
	  { test -z "$$(tail -c 1 .env)" || echo; \
	    echo "DJANGO_SECRET_KEY=$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')"; } >> .env; \
	  echo "wrote a new random DJANGO_SECRET_KEY to .env"; }

bootstrap: $(VENV)/.run-installed .env
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_content
	$(PY) manage.py bootstrap_demo

# Web, Celery worker and beat as separate processes (Procfile); Ctrl-C stops all three.
run: bootstrap
	@echo "== CareerPlan at http://127.0.0.1:$${WEB_PORT:-8000}/ (another port: make run WEB_PORT=9000) =="
	$(BIN)/honcho start -f Procfile.dev

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	$(BIN)/lint-imports

check: $(VENV)/.dev-installed .env
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

test: $(VENV)/.dev-installed .env
	scripts/ensure-system-packages $(TEST_SYSTEM_PACKAGES)
	$(MAKE) --no-print-directory node_modules/.installed
	$(MAKE) --no-print-directory lint check
	@echo '== the suite on SQLite (the embedded default) =='
	$(BIN)/pytest
	@echo '== the suite on PostgreSQL (what production runs) =='
	scripts/with-postgres $(BIN)/pytest

# The API's messages in other languages (locale/<language>/, German so far): gather the
# marked texts of every app into each .po, then compile the .mo, which is committed beside it so that neither `make run` nor
# `make test` needs gettext (tests/api/test_languages.py checks the two agree). Left out:
# folders that hold no app code, templates and admin.py (the web and the admin stay English).
# Every language of settings.LANGUAGES but English, the language of the source.
MESSAGES_LANGUAGES := de
MESSAGES_IGNORE := $(VENV) node_modules tests docs benchmarks scripts localservers static staticfiles \
	templates fixtures locale var admin.py
messages: $(VENV)/.dev-installed
	scripts/ensure-system-packages msgfmt:gettext
	$(PY) manage.py makemessages $(foreach language,$(MESSAGES_LANGUAGES),-l $(language)) --no-location --no-obsolete \
	  $(foreach pattern,$(MESSAGES_IGNORE),-i $(pattern))
	$(PY) manage.py compilemessages $(foreach language,$(MESSAGES_LANGUAGES),-l $(language)) -i $(VENV) -i node_modules

# PostgreSQL, Redis, gunicorn, a Celery worker and wrk on this machine; about 10 minutes.
bench: $(VENV)/.dev-installed .env
	scripts/bench $(BENCH_ARGS)

# The same servers plus beat-like scans, a steady mixed load for 10 minutes.
soak: $(VENV)/.dev-installed .env
	scripts/soak $(SOAK_ARGS)

# axe-core for the browser tests, exactly as package-lock.json pins it.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .ruff_cache .mypy_cache node_modules
