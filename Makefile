# Chợ 4.0 Cashless — `make demo` serves a seeded province, `make test` runs lint and every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_DATABASE_URL ?= sqlite:///$(CURDIR)/instance/demo.db
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install lint format test demo bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# SQLite always; PostgreSQL too when TEST_DATABASE_URL names a server (tests use their own
# database, cho40_pytest_<checkout folder>, on it).
test: lint
	$(BIN)/pytest
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "== again on PostgreSQL"; \
		PYTEST_DATABASE_URL="$$TEST_DATABASE_URL" $(BIN)/pytest; \
	fi

# The demo runs as production does, with secrets of its own: made once in instance/demo.env,
# read by every command below (and by yours: `set -a; . instance/demo.env; set +a`).
DEMO_SETTINGS := instance/demo.env
DEMO := set -a && . ./$(DEMO_SETTINGS) && set +a && DATABASE_URL=$(DEMO_DATABASE_URL)

$(DEMO_SETTINGS):
	@mkdir -p instance
	@umask 077 && $(PYTHON) -c 'import secrets; print(f"SECRET_KEY={secrets.token_hex(32)}\nPAYER_HASH_KEY={secrets.token_hex(32)}")' > $@

demo: install $(DEMO_SETTINGS)
	$(DEMO) $(BIN)/flask --app wsgi db upgrade
	$(DEMO) $(BIN)/flask --app wsgi demo seed
	@token=$$($(DEMO) $(BIN)/flask --app wsgi users token --username admin | tail -n 1); \
	echo ""; \
	echo "Chợ 4.0 Cashless is serving at http://$(HOST):$(PORT)/"; \
	echo "  API docs:     http://$(HOST):$(PORT)/api/docs"; \
	echo "  admin token:  $$token"; \
	echo "  try:          curl -H 'Authorization: Bearer $$token' http://$(HOST):$(PORT)/api/v1/markets"; \
	echo "  staff login:  http://$(HOST):$(PORT)/login  (admin / cho40-demo-2026)"; \
	echo "                also quanly.vinhlong, ketoan.lequydon, canbo.nganhang: the same password"; \
	echo "  shell:        set -a; . $(DEMO_SETTINGS); set +a; export DATABASE_URL=$(DEMO_DATABASE_URL)"; \
	echo ""
	$(DEMO) exec $(BIN)/gunicorn --bind $(HOST):$(PORT) --workers 2 --access-logfile - wsgi:app

bench: install
	$(BIN)/python bench/import_vendors.py
	$(BIN)/python bench/qr.py
	$(BIN)/python bench/ingest.py --floor
	$(BIN)/python bench/stats.py

clean:
	rm -rf $(VENV) instance build
