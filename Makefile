# TMIS: `make run` starts the whole suite, `make test` runs every test. Both install what they need.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PLUGINS := plugins/tmis-gansu
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml constraints.txt $(PLUGINS:%=%/pyproject.toml) | cksum | cut -d' ' -f1)
# The web client: node_modules follows the lockfile; the build follows the sources and the
# printed schema its operations are typed against.
WEB_DEPS := web/node_modules/.installed-$(shell cksum < web/package-lock.json | cut -d' ' -f1)
WEB_SOURCES := $(shell find web -path web/node_modules -prune -o -path web/dist -prune -o -path web/src/gql -prune -o -type f -print | LC_ALL=C sort) gateway/schema.graphql
WEB_STAMP := web/dist/.built-$(shell cat $(WEB_SOURCES) | cksum | cut -d' ' -f1)
CHROMIUM := /usr/bin/chromium
# Python caches bytecode (and pytest its rewritten test modules) in __pycache__ (git-ignored): a test run
# starts dozens of Python processes, and without the cache each compiles the tree anew (2.5 s of CPU for
# a test worker's collection). An environment's PYTHONDONTWRITEBYTECODE (container images set it) is dropped here.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: run test test-fast lint web contract protos lock clean

$(STAMP): pyproject.toml constraints.txt $(PLUGINS:%=%/pyproject.toml)
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[embedded,dev]'
	@# the example province plugin, installed (not enabled: TMIS_PLUGINS=gansu enables it)
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps $(PLUGINS:%=-e %)
	@rm -f $(VENV)/.installed-* && touch $@

$(WEB_DEPS): web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund
	@rm -f web/node_modules/.installed-* && touch $@

# The stamp's name is the sources' checksum, so it follows their content, not their times: the browser
# tests' vitest run rewrites web/src/auto-imports.d.ts unchanged, which made the next `make test` build again.
$(WEB_STAMP): $(WEB_DEPS)
	cd web && npm run build
	@rm -f web/dist/.built-* && touch $@

# Browser tests drive Debian's chromium (installed once, as root, when missing).
$(CHROMIUM):
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-zenhei

web: $(WEB_STAMP)

run: $(STAMP) $(WEB_STAMP)
	$(PY) -m tmis

# Three workers: a test mostly waits (journal syncs, the browser, polling), so three keep 2 cores busy;
# each has its own database, suite and ports; a browser test file stays on one worker (tests/conftest.py). WORKERS=0: in-process.
WORKERS ?= 3
XDIST := -n $(WORKERS) --dist loadgroup

test: lint $(STAMP) $(WEB_STAMP) $(CHROMIUM)
	$(PY) -m pytest $(XDIST) $(PYTEST_ARGS)

# The unit tier and the API tests: no browser, no benchmark, nothing marked slow (markers in pyproject.toml).
test-fast: $(STAMP)
	$(PY) -m pytest $(XDIST) -m "not slow and not web and not bench" $(PYTEST_ARGS)

# Lint, format and types (settings in pyproject.toml): strict for the shared package and the services.
lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy --strict tmis services
	$(PY) -m mypy --follow-imports=silent gateway  # tmis/ is checked strictly above

# How many points of the contract (../shared/contract/schema.graphql and its extension
# lifecycle.graphql) the gateway does not offer yet.
CONTRACT_PARTS := ../shared/contract/schema.graphql ../shared/contract/lifecycle.graphql
contract: $(STAMP)
	@$(PY) -m gateway.print_schema > $(VENV)/printed-schema.graphql
	@$(PY) ../shared/contract/check.py $(VENV)/printed-schema.graphql $(CONTRACT_PARTS) | tail -n 1 || true

protos: $(STAMP)
	$(PY) -m tmis.run.protogen

lock: $(STAMP)
	$(PY) -m pip freeze --exclude-editable | sed '1i # Exact versions of every installed package (direct ones are pinned in pyproject.toml).\n# Regenerate with: make lock' > constraints.txt

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache web/node_modules web/dist web/src/gql
