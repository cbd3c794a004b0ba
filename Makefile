# newsingest — everyday commands. `make demo` and `make test` are all a fresh machine needs.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: help install demo lint test test-fast bench load clean

help:  ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | sort

$(STAMP): pyproject.toml layers/newsingest/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)  ## create .venv and install newsingest with its dev extras

demo: $(STAMP)  ## the whole flow on embedded moto: no AWS account, no network
	$(PY) -m newsingest_tools.local.demo
	$(PY) -m newsingest_tools.local.demo_poll  # continuous ingestion: a polled feed, new stories only, then a 304

# lint is a double-colon rule: make/sam.mk adds cfn-lint on template.yaml to it.
lint:: $(STAMP)  ## ruff (whole repo), mypy (strict on the runtime modules; both in pyproject.toml), cfn-lint
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

test: $(STAMP)  ## unit, integration (moto) and infrastructure tests
	$(PY) -m pytest -n 2 -q

test-fast: $(STAMP)  ## unit tests only
	$(PY) -m pytest -q tests/unit

bench: $(STAMP)  ## benchmarks (CORPUS=path/to/corpus for extraction accuracy)
	$(PY) -m benchmarks $(if $(CORPUS),--corpus $(CORPUS))

load: $(STAMP)  ## drain 10,000 mixed messages through the local event-source loop; exits non-zero if any is lost
	$(PY) -m benchmarks.load

clean:  ## remove build and test artefacts
	rm -rf .aws-sam build .pytest_cache .hypothesis benchmarks/out

-include make/sam.mk
