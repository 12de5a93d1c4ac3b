# The usual commands. Everything goes through uv; nothing needs to be installed by hand.
.PHONY: help demo test test-fast test-pg quality format messages screenshots bench ci

PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/essaim
# The apps that keep their own catalogue: those with an essaim/<app>/locale directory.
APPS_WITH_OWN_CATALOGUE := $(patsubst essaim/%/locale,%,$(wildcard essaim/*/locale))

help:
	@echo "make demo         run the French Impact demo on http://127.0.0.1:$(PORT)/"
	@echo "make test         the whole test suite on SQLite (2 processes)"
	@echo "make test-fast    the suite without browser and slow tests"
	@echo "make test-pg      the whole suite on PostgreSQL (PG_URL=$(PG_URL))"
	@echo "make quality      what CI's Quality step runs: ruff, ruff format --check, djlint,"
	@echo "                  makemigrations --check, lint-imports"
	@echo "make format       ruff format and ruff --fix"
	@echo "make messages     update and compile essaim/locale (shared pages' English catalogue)"
	@echo "make screenshots  docs/img/*.png from a demo running on PORT"
	@echo "make bench        every benchmark under bench/"
	@echo "make ci           what CI runs (.ci/run)"

demo:
	uv run essaim demo --port $(PORT)

test:
	uv run pytest -n 2 --dist loadgroup --durations=15

test-fast:
	uv run pytest -m "not browser and not slow"

test-pg:
	DATABASE_URL=$(PG_URL) uv run pytest -n 2 --dist loadgroup --create-db --durations=15

# Keep in step with the "Quality" step of .ci/run.
quality:
	uv run ruff check .
	uv run ruff format --check .
	uv run djlint essaim --lint
	uv run essaim makemigrations --check --dry-run
	uv run lint-imports --no-cache

format:
	uv run ruff check --fix .
	uv run ruff format .

# Apps keep their own catalogue (essaim/<app>/locale); this one covers the shared pages.
messages:
	ESSAIM_MODE=demo DJANGO_SETTINGS_MODULE=essaim.settings uv run django-admin makemessages \
		-l en --no-obsolete $(foreach app,$(APPS_WITH_OWN_CATALOGUE),-i essaim/$(app)) \
		-i var -i docs -i scripts -i bench -i conftest.py
	cd essaim/locale/.. && ESSAIM_MODE=demo DJANGO_SETTINGS_MODULE=essaim.settings \
		uv run django-admin compilemessages -l en $(foreach app,$(APPS_WITH_OWN_CATALOGUE),-i $(app))

screenshots:
	uv run python scripts/screenshots.py --base-url http://127.0.0.1:$(PORT)

bench:
	@set -e; for script in bench/*.py; do echo "== $$script"; uv run python "$$script"; done

ci:
	CI=true ./.ci/run
