# TMIS: `make run` starts the whole suite, `make test` runs every test. Both install what they need.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PLUGINS := plugins/tmis-gansu
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml constraints.txt $(PLUGINS:%=%/pyproject.toml) | cksum | cut -d' ' -f1)

.PHONY: run test contract protos lock clean

$(STAMP): pyproject.toml constraints.txt $(PLUGINS:%=%/pyproject.toml)
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[embedded,dev]'
	# the example province plugin, installed (not enabled: TMIS_PLUGINS=gansu enables it)
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps $(PLUGINS:%=-e %)
	@rm -f $(VENV)/.installed-* && touch $@

run: $(STAMP)
	$(PY) -m tmis

test: $(STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

# How many points of ../shared/contract/schema.graphql the gateway does not offer yet.
contract: $(STAMP)
	@$(PY) -m gateway.print_schema > $(VENV)/printed-schema.graphql
	@$(PY) ../shared/contract/check.py $(VENV)/printed-schema.graphql | tail -n 1 || true

protos: $(STAMP)
	$(PY) -m tmis.protogen

lock: $(STAMP)
	$(PY) -m pip freeze --exclude-editable | sed '1i # Exact versions of every installed package (direct ones are pinned in pyproject.toml).\n# Regenerate with: make lock' > constraints.txt

clean:
	rm -rf $(VENV) var .pytest_cache
