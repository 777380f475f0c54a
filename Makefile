# Agora — the commands a newcomer needs. `make run` and `make test` set everything up on a fresh machine.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_URL ?= postgresql://postgres@127.0.0.1:5432/postgres
export AGORA_TEST_POSTGRES ?= $(PG_URL)

.PHONY: run test test-sqlite test-postgres lint bench system-deps clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

# Debian packages the project needs: Chromium (browser tests), HarfBuzz subsetting (fast WeasyPrint),
# poppler (PDF checks). Installed only when missing, and only where apt-get can run.
system-deps:
	@missing=""; \
	for p in chromium libharfbuzz-subset0 poppler-utils; do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else echo "Paquets Debian manquants :$$missing (sudo apt-get install$$missing)"; fi; \
	fi

run: $(STAMP) system-deps
	mkdir -p var
	AGORA_DEBUG=1 $(BIN)/agora migrate --noinput -v0
	AGORA_DEBUG=1 $(BIN)/agora collectstatic --noinput -v0
	AGORA_DEBUG=1 $(BIN)/agora demo --if-absent
	AGORA_DEBUG=1 $(BIN)/agora serve

test: $(STAMP) system-deps
	@bash scripts/test.sh

lint: $(STAMP)
	$(BIN)/ruff check src tests bench conftest.py
	$(BIN)/lint-imports

# A benchmark script that measures the database it is given: on SQLite (its own temporary file), then on a fresh
# PostgreSQL database agora_bench_<script>.
define on_both_databases
	$(BIN)/python bench/$(1).py
	$(BIN)/python -c "import psycopg; c = psycopg.connect('$(PG_URL)', autocommit=True); \
	  c.execute('DROP DATABASE IF EXISTS agora_bench_$(1)'); c.execute('CREATE DATABASE agora_bench_$(1)')" \
	  && AGORA_DATABASE_URL=$(dir $(PG_URL))agora_bench_$(1) $(BIN)/python bench/$(1).py
endef

bench: $(STAMP)
	$(BIN)/python bench/run.py
	$(BIN)/python bench/sales.py
	$(BIN)/python bench/sales_reminders.py
	$(BIN)/python bench/stock.py
	$(BIN)/python bench/einvoice.py
	$(call on_both_databases,payments)
	$(BIN)/python bench/procurement.py
	$(BIN)/python bench/purchasing.py
	$(call on_both_databases,banking)
	$(call on_both_databases,reconciliation)
	$(call on_both_databases,vat)
	$(call on_both_databases,assets)
	$(call on_both_databases,financials)

clean:
	rm -rf $(VENV) var
