# Two commands for a new user: `make run` (the app with the demo review) and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(shell cat requirements.txt | cksum | cut -d' ' -f1)
# Tests and tools (pytest, playwright, ruff...) on top: `make test` and `make lint` only.
DEV_STAMP := $(VENV)/.installed-dev-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: install install-dev run test lint integration messages

$(STAMP): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	rm -f $(VENV)/.installed-[0-9]*
	touch $(STAMP)

$(DEV_STAMP): $(STAMP) requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	rm -f $(VENV)/.installed-dev-*
	touch $(DEV_STAMP)

install: $(STAMP)

install-dev: $(DEV_STAMP)

# `make run` serves with debug off, as a user should see it: no debug pages, static files
# through whitenoise, a secret key generated once under var/ (never committed), plain http on
# this machine only, and one local Celery worker on a broker that needs no server (a SQLite
# file under var/), so no long task runs inside a request. Ctrl-C stops the server and the
# worker. `make test` and `manage.py` on their own keep the embedded default (tasks eager).
SECRET_FILE := var/secret_key
SERVE_ENV := DJANGO_DEBUG=0 DJANGO_HTTPS=0 DJANGO_SECRET_KEY_FILE=$(SECRET_FILE) \
             DJANGO_ALLOWED_HOSTS=$(HOST),localhost,127.0.0.1 PRISMFLOW_LOCAL_BROKER=1

$(SECRET_FILE):
	mkdir -p var
	umask 077 && $(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > $@

run: install $(SECRET_FILE)
	$(SERVE_ENV) $(PY) manage.py migrate --noinput
	$(SERVE_ENV) $(PY) manage.py load_demo
	$(SERVE_ENV) $(PY) manage.py collectstatic --noinput --verbosity 0
	@echo "Prismflow is at http://$(HOST):$(PORT)/  (log in with a demo user above)"
	@# exec: make's own child is runlocal, so a SIGTERM make passes on reaches it (a shell in
	@# between would die and leave the server and the worker running).
	exec env $(SERVE_ENV) $(PY) manage.py runlocal $(HOST):$(PORT)

test: install-dev
	$(PY) -m pytest

lint: install-dev
	$(VENV)/bin/ruff check .

# Rebuild the compiled translations after editing locale/*/LC_MESSAGES/django.po
messages: install
	$(PY) manage.py compilemessages --ignore=.venv
