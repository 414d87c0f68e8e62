# GradAdmit: `make run` serves the demo cycle, `make test` runs lint and every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/gradadmit
PYTEST := $(BIN)/pytest -q

.PHONY: install messages run serve test lint test-sqlite test-postgres test-browser bench clean

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt scripts/system_deps.sh
	bash scripts/system_deps.sh $(if $(filter test test-browser,$(MAKECMDGOALS)),--test,)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check --upgrade pip
	$(BIN)/pip install -q --disable-pip-version-check -r requirements-dev.txt
	touch $@

messages: install
	$(BIN)/python scripts/compile_messages.py

run: install messages
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput -v0
	$(BIN)/python manage.py prepare_pdf_fonts
	$(BIN)/python manage.py load_demo
	HOST=$(HOST) PORT=$(PORT) bash scripts/serve.sh

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run -v0

test: install messages lint test-sqlite test-postgres test-browser

test-sqlite:
	mkdir -p reports
	$(PYTEST) -m "not browser" --junitxml=reports/sqlite.xml

# The same suite on PostgreSQL when a server answers (CI always has one).
test-postgres:
	mkdir -p reports
	@if $(BIN)/python scripts/db_reachable.py "$(POSTGRES_URL)"; then \
		echo "== PostgreSQL: $(POSTGRES_URL)"; \
		DATABASE_URL="$(POSTGRES_URL)" $(PYTEST) -m "not browser" --junitxml=reports/postgres.xml; \
	else echo "== PostgreSQL not reachable at $(POSTGRES_URL): skipped"; fi

test-browser:
	mkdir -p reports/screenshots
	$(PYTEST) -m browser --junitxml=reports/browser.xml

bench: install messages
	$(BIN)/python bench/run.py $(NAME)

clean:
	rm -rf data reports $(VENV)
