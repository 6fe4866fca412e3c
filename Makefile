# The Academy — a newcomer's commands. See README.md.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
# Base of the links in e-mails (invitations, reminders): where `make run` serves, unless given.
SITE_URL ?= http://$(HOST):$(PORT)

.PHONY: run serve test bench install install-dev migrate demo lint messages e2e clean sso-provider

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed pyproject.toml
	$(PIP) install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_catalogue
	$(PY) manage.py seed_demo

run: demo
	SITE_URL='$(SITE_URL)' $(PY) manage.py runserver $(HOST):$(PORT)

# The production processes on this machine (Procfile, run by honcho): gunicorn, a Celery worker
# and Celery beat, ACADEMY_ENV=production, DEBUG off, static files collected. PostgreSQL and
# Redis come from the environment (defaults: the local servers). A secret key is generated
# once into .serve.env. Plain HTTP on loopback, so no redirect to HTTPS; cookies stay Secure
# (browsers accept them from localhost).
SERVE_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/academy
SERVE_REDIS_URL ?= redis://127.0.0.1:6379/0
SERVE_ENV = ACADEMY_ENV=production DEBUG=false SECURE_SSL_REDIRECT=false \
	DATABASE_URL='$(SERVE_DATABASE_URL)' REDIS_URL='$(SERVE_REDIS_URL)' \
	ALLOWED_HOSTS=$(HOST),localhost SITE_URL='$(SITE_URL)' HOST=$(HOST)

.serve.env:
	$(PY) -c "import secrets; print('SECRET_KEY=' + secrets.token_urlsafe(50))" > $@

serve: install .serve.env
	set -a; . ./.serve.env; set +a; export $(SERVE_ENV); \
	$(PY) manage.py collectstatic --noinput --verbosity 0 && \
	$(PY) manage.py migrate --noinput && \
	$(PY) manage.py load_catalogue && \
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(VENV)/bin/honcho -f Procfile start -p $(PORT)

# The OpenID Connect provider the single sign-on tests start (tests/sso/provider, Node.js);
# without npm the SSO tests are skipped (with CI=true they fail).
tests/sso/provider/node_modules/.package-lock.json: tests/sso/provider/package-lock.json
	npm ci --prefix tests/sso/provider --no-audit --no-fund --loglevel=error

sso-provider: tests/sso/provider/node_modules/.package-lock.json

SSO_PROVIDER := $(if $(shell command -v npm),sso-provider,)

test: install-dev $(SSO_PROVIDER)
	$(PY) -m pytest -n $${PYTEST_WORKERS:-2} --dist loadgroup

e2e: install-dev $(SSO_PROVIDER)
	$(PY) -m pytest tests/e2e

bench: install-dev
	$(PY) -m bench.run

lint: install-dev
	$(VENV)/bin/ruff check .

messages: install
	$(PY) manage.py makemessages -l nl -l en --no-obsolete --ignore=.venv --ignore=tests --ignore=bench --ignore=content --ignore=staticfiles
	$(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
