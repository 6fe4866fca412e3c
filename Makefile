# The Academy — a newcomer's commands. See README.md.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
# Base of the links in e-mails (invitations, reminders): where `make run` serves, unless given.
SITE_URL ?= http://$(HOST):$(PORT)

.PHONY: run test bench install install-dev migrate demo lint messages e2e clean

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

test: install-dev
	$(PY) -m pytest -n $${PYTEST_WORKERS:-2} --dist loadgroup

e2e: install-dev
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
