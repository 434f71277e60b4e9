# Two commands on a fresh machine:   make lab   (open the course)   and   make test   (run every test).
# Both create the virtual environment first if it is missing or older than pyproject.toml.
PYTHON ?= python3
VENV ?= .venv
BIN := $(abspath $(VENV))/bin
# nbgrader calls alembic and jupyter by name, so the venv's bin goes first on PATH.
export PATH := $(BIN):$(PATH)
# Jupyter refuses to run as root (containers, CI boxes) unless told it is on purpose.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)
ASSIGNMENTS := $(notdir $(wildcard solutions/[0-9][0-9]_*))

.PHONY: lab test release env clean-env

lab: $(VENV)/.installed
	jupyter lab --ServerApp.root_dir=notebooks $(ROOT_FLAG)

test: $(VENV)/.installed
	python -m pytest

# Strip outputs from the sources (keeping cell ids), then regenerate every student notebook from its
# solution (nbgrader silently skips existing ones without --force).
release: $(VENV)/.installed
	@nbstripout --keep-id solutions/*/*.ipynb
	@for aid in $(ASSIGNMENTS); do nbgrader generate_assignment $$aid --force --quiet || exit 1; done
	@rm -f gradebook.db

env: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@echo "Installing the course environment into $(VENV)/ (first time: about 3 minutes, ~6 GB with torch)..."
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install -qq --upgrade pip
	@$(BIN)/python -m pip install -qq -e ".[dev]"
	@touch $@
	@echo "Environment ready."

clean-env:
	rm -rf $(VENV)
