# SAM targets, included by the top-level Makefile (-include make/sam.mk).
#
#   make lint       cfn-lint on template.yaml (works offline, from .venv); the Makefile adds ruff and mypy
#   make validate   sam validate --lint, with SAM CLI in its own venv (.venv-sam, created on first use from PyPI)
#   make build      sam build (SAM CLI + a python3.13 interpreter, or SAM_BUILD_FLAGS=--use-container with Docker)
#   make deploy     sam deploy: guided the first time (no stack yet, or GUIDED=1), samconfig.toml after
#
# Each target fails with one clear line when its tool is missing. Overrides: STACK_NAME, REGION, SAM_BUILD_FLAGS,
# SAM_DEPLOY_FLAGS, SAM_CLI_VERSION, GUIDED=1.

SAM_VENV        ?= .venv-sam
SAM_CLI_VERSION ?=
SAM_PYTHON      ?= python3
STACK_NAME      ?= newsingest
REGION          ?=
SAM_BUILD_FLAGS ?=
SAM_DEPLOY_FLAGS ?=
CFN_LINT        ?= $(or $(wildcard $(VENV)/bin/cfn-lint),$(wildcard .venv/bin/cfn-lint),$(shell command -v cfn-lint 2>/dev/null))

# SAM CLI for build/deploy: the one on PATH, else the one `make validate` installed in $(SAM_VENV).
SAM ?= $(or $(shell command -v sam 2>/dev/null),$(wildcard $(SAM_VENV)/bin/sam))
SAM_REGION_FLAG = $(if $(REGION),--region $(REGION))
# SAM CLI asks to send telemetry and prints a banner about it on first use; these targets opt out (set it to 1
# to opt in).
export SAM_CLI_TELEMETRY ?= 0

.PHONY: lint validate build deploy sam-venv

lint::  # cfn-lint on template.yaml, part of the Makefile's lint (the SAM-transformed form is linted by tests/infrastructure)
	@test -n "$(CFN_LINT)" || { echo "make lint: cfn-lint not found - run 'make install' (it is in the dev extra)" >&2; exit 1; }
	$(CFN_LINT) --include-checks I -- template.yaml

$(SAM_VENV)/bin/sam:
	@$(SAM_PYTHON) -c 'import sys; sys.exit(not (3, 9) <= sys.version_info[:2] <= (3, 13))' 2>/dev/null \
	  || { echo "make validate: SAM CLI needs Python 3.9-3.13 for its venv; set SAM_PYTHON=/path/to/python3.x" >&2; exit 1; }
	@echo "Installing AWS SAM CLI into $(SAM_VENV) (first use only; it pins its own boto3, hence its own venv)"
	$(SAM_PYTHON) -m venv $(SAM_VENV)
	@echo '*' > $(SAM_VENV)/.gitignore
	$(SAM_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(SAM_VENV)/bin/python -m pip install --quiet 'aws-sam-cli$(if $(SAM_CLI_VERSION),==$(SAM_CLI_VERSION))' \
	  || { rm -rf $(SAM_VENV); echo "make validate: could not install aws-sam-cli from PyPI (offline?)" >&2; exit 1; }

sam-venv: $(SAM_VENV)/bin/sam  ## install SAM CLI into .venv-sam

validate: $(SAM_VENV)/bin/sam  ## sam validate --lint (SAM CLI from .venv-sam)
	$(SAM_VENV)/bin/sam validate --lint --template template.yaml $(or $(SAM_REGION_FLAG),--region us-east-1)

build:  ## sam build (needs SAM CLI and python3.13 on PATH, or SAM_BUILD_FLAGS=--use-container and Docker)
	@test -n "$(SAM)" || { echo "make build: SAM CLI not found - install it (https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/install-sam-cli.html) or run 'make sam-venv'" >&2; exit 1; }
	@case " $(SAM_BUILD_FLAGS) " in *" --use-container "*|*" -u "*) \
	    docker info >/dev/null 2>&1 || { echo "make build: --use-container needs a running Docker (docker info failed)" >&2; exit 1; } ;; \
	  *) python3.13 --version >/dev/null 2>&1 || { echo "make build: sam build needs a python3.13 interpreter on PATH (BuildMethod python3.13 for the function and the layer) - install Python 3.13, or use SAM_BUILD_FLAGS=--use-container with Docker" >&2; exit 1; } ;; \
	esac
	$(SAM) build $(SAM_BUILD_FLAGS)

deploy: build  ## sam deploy: guided the first time (or GUIDED=1), then from samconfig.toml
	@if [ "$(GUIDED)" = "1" ] || ! $(SAM) list stack-outputs --stack-name $(STACK_NAME) $(SAM_REGION_FLAG) >/dev/null 2>&1; then \
	  echo "make deploy: no stack $(STACK_NAME) yet (or GUIDED=1): guided deploy; answers are saved to samconfig.toml"; \
	  $(SAM) deploy --guided --stack-name $(STACK_NAME) $(SAM_REGION_FLAG) $(SAM_DEPLOY_FLAGS); \
	else \
	  $(SAM) deploy --stack-name $(STACK_NAME) $(SAM_REGION_FLAG) $(SAM_DEPLOY_FLAGS); \
	fi
