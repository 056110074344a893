# Coderfolio: `make demo` runs the app with demo data, `make test` runs every test.

# A Python >= 3.12: $(PYTHON) if given, else the first that works of the usual names,
# else a pyenv-installed one.
PYTHON ?= $(shell \
	for p in python3.14 python3.13 python3.12 python3 python; do \
		if $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then \
			echo $$p; exit 0; fi; done; \
	for p in $$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.1[2-9]*/bin/python 2>/dev/null | sort -rV); do \
		echo $$p; exit 0; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell sha256sum requirements.lock | cut -c1-16)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test fuzz venv lint format migrations-check lock vendor-nhsuk clean

venv: $(STAMP)

$(STAMP): requirements.lock
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer is needed: install it, or run make PYTHON=/path/to/python3.12"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	@rm -f $(VENV)/.installed-*
	@touch $@

# The web server in the foreground, and WORKERS pack workers (django-tasks-db) in the
# background, so Submit answers at once and the packs are built beside it; the trap
# stops the workers when the server stops (Ctrl+C).
WORKERS ?= 2
demo: venv
	DJANGO_DEBUG=true $(BIN)/python manage.py migrate --no-input
	DJANGO_DEBUG=true $(BIN)/python manage.py seed_demo --base-url http://$(HOST):$(PORT)
	@echo "Serving Coderfolio at http://$(HOST):$(PORT)/ with $(WORKERS) pack workers (Ctrl+C stops all)"
	@export DJANGO_DEBUG=true DJANGO_TASKS_BACKEND=database; workers=""; \
	trap 'kill $$workers 2>/dev/null' EXIT; trap 'exit 130' INT TERM; \
	for i in $$(seq $(WORKERS)); do \
		$(BIN)/python manage.py db_worker --no-reload & workers="$$workers $$!"; done; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: venv
	@command -v chromium >/dev/null 2>&1 || test -x /usr/bin/chromium || { echo "Browser tests need Debian's chromium: apt-get install chromium"; exit 1; }
	$(BIN)/pytest $(PYTEST_ARGS)

# Every form fed FUZZ_EXAMPLES generated inputs through its view (the normal run
# tries 15, the same ones each time; this tries new ones): tests/test_fuzz_forms.py.
FUZZ_EXAMPLES ?= 1000
fuzz: venv
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/pytest tests/test_fuzz_forms.py $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: venv
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: venv
	DJANGO_DEBUG=true $(BIN)/python manage.py makemigrations --check --dry-run

# Regenerate requirements.lock from pyproject.toml (needs the registry).
lock: venv
	$(BIN)/python -m pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --extra dev --extra bench --generate-hashes --strip-extras --allow-unsafe \
		-o requirements.lock pyproject.toml

clean:
	rm -rf $(VENV) staticfiles .pytest_cache

# Re-vendor NHS.UK frontend from the npm registry (see static/vendor/nhsuk-frontend/VERSION.md).
NHSUK_VERSION := 10.6.1
vendor-nhsuk:
	rm -rf .vendor-tmp && mkdir .vendor-tmp
	cd .vendor-tmp && npm pack --silent nhsuk-frontend@$(NHSUK_VERSION) && tar xzf nhsuk-frontend-$(NHSUK_VERSION).tgz
	cd .vendor-tmp/package/dist/nhsuk && \
		cp nhsuk-frontend.min.js nhsuk-frontend.min.js.map nhsuk-frontend.min.css.map \
			../../../../static/vendor/nhsuk-frontend/ && \
		rm -rf ../../../../static/vendor/nhsuk-frontend/assets && \
		cp -r assets ../../../../static/vendor/nhsuk-frontend/ && \
		sed -e 's#url(/assets/#url(assets/#g' -e 's#@font-face{[^}]*}##g' nhsuk-frontend.min.css \
			> ../../../../static/vendor/nhsuk-frontend/nhsuk-frontend.min.css
	rm -rf .vendor-tmp

# Benchmarks (bench/README.md): figures printed and written to bench/last-run.json.
# `bench-quick` takes under a minute and skips the load test.
.PHONY: bench bench-quick
bench: venv
	$(BIN)/python bench/run.py

bench-quick: venv
	$(BIN)/python bench/run.py --quick
