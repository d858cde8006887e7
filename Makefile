# Two commands for a new user: `make run` (the app with the demo review) and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(shell cat requirements.txt | cksum | cut -d' ' -f1)
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: install run test lint integration messages

$(STAMP): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

# `make run` serves with debug off, as a user should see it: no debug pages, static files
# through whitenoise, a secret key generated once under var/ (never committed), plain http on
# this machine only. `make test` and `manage.py` on their own keep the embedded default.
SECRET_FILE := var/secret_key
SERVE_ENV := DJANGO_DEBUG=0 DJANGO_HTTPS=0 DJANGO_SECRET_KEY_FILE=$(SECRET_FILE) \
             DJANGO_ALLOWED_HOSTS=$(HOST),localhost,127.0.0.1

$(SECRET_FILE):
	mkdir -p var
	umask 077 && $(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > $@

run: install $(SECRET_FILE)
	$(SERVE_ENV) $(PY) manage.py migrate --noinput
	$(SERVE_ENV) $(PY) manage.py load_demo
	$(SERVE_ENV) $(PY) manage.py collectstatic --noinput --verbosity 0
	@echo "Prismflow is at http://$(HOST):$(PORT)/  (log in with a demo user above)"
	$(SERVE_ENV) $(PY) manage.py runserver $(HOST):$(PORT)

test: install
	$(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check .

# Rebuild the compiled translations after editing locale/*/LC_MESSAGES/django.po
messages: install
	$(PY) manage.py compilemessages --ignore=.venv
