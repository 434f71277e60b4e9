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

.PHONY: lab test browser benchmark gallery release env clean-env

lab: $(VENV)/.installed
	jupyter lab --ServerApp.root_dir=notebooks $(ROOT_FLAG)

test: $(VENV)/.installed browser sandbox-tools
	ruff check instructor helpers benchmarks tests conftest.py
	python -m pytest

# tests/test_browser.py opens a notebook in JupyterLab in Debian's Chromium (driven by Playwright, which
# downloads no browser of its own). Install Chromium when it is missing and we may (root with apt-get);
# otherwise say how: the test then fails with the same advice, it never skips.
browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 \
	|| [ -n "$$CV_SEMINAR_CHROMIUM" ] || \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing Debian's chromium for the browser test (apt-get, about a minute)..."; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
		|| echo "Could not install chromium: tests/test_browser.py will fail (README, Tests)."; \
	else \
		echo "No Chromium found: 'sudo apt-get install -y chromium' (Debian/Ubuntu) or set CV_SEMINAR_CHROMIUM;" \
		     "tests/test_browser.py fails without it."; \
	fi

# Run every solution notebook in fast mode: time, peak memory, headline metric -> benchmarks/results.json.
benchmark: $(VENV)/.installed
	python -m benchmarks

# Draw docs/gallery/, the reference pictures the notebooks link to: the solution notebooks' figure cells marked
# "gallery" in their metadata, at the bigger settings of setup(gallery=...) (minutes on 2 cores; not part of CI).
gallery: $(VENV)/.installed
	python -m benchmarks.gallery

# Write course.toml's repository into badges, setup cells and README, strip outputs from the sources (keeping
# cell ids), then regenerate every student notebook from its solution. To publish under another repository:
# python -m instructor publish owner/name[@ref]   (README, Publishing the course).
release: $(VENV)/.installed
	python -m instructor release

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

# Instructor workflow (README "For instructors"): one step per target, each `python -m instructor <step>`.
#   make collect FROM=downloads/ [ROSTER=roster.csv]     make preflight     make autograde [SANDBOX=1]
#   make export-grades     make grade FROM=downloads/ [ROSTER=...] [SANDBOX=1]  (all of the above)
#   make merge SHARDS="shard-1 shard-2 ..."   (the result folders of SHARD=i/n runs)
# ONLY="01_unpooling ..." limits a step to some assignments; TIMEOUT=S sets the per-cell timeout; JOBS=N
# grades N submissions at once (default: all cores); MEMORY=4G limits each kernel; SHARD=i/n grades one slice.
ONLY ?=
GRADE_FLAGS = $(if $(SANDBOX),--sandbox) $(if $(TIMEOUT),--timeout $(TIMEOUT)) $(if $(JOBS),--jobs $(JOBS)) \
	$(if $(MEMORY),--memory $(MEMORY)) $(if $(SHARD),--shard $(SHARD))

.PHONY: collect preflight autograde export-grades grade merge sandbox-tools benchmark-grading

collect: $(VENV)/.installed
	@test -n "$(FROM)" || { echo "usage: make collect FROM=folder/ [ROSTER=roster.csv]"; exit 2; }
	python -m instructor collect "$(FROM)" $(if $(ROSTER),--roster "$(ROSTER)")

preflight: $(VENV)/.installed
	python -m instructor preflight $(ONLY)

autograde: $(VENV)/.installed $(if $(SANDBOX),sandbox-tools)
	python -m instructor autograde $(ONLY) $(GRADE_FLAGS)

export-grades: $(VENV)/.installed
	python -m instructor export $(ONLY)

grade: $(VENV)/.installed $(if $(SANDBOX),sandbox-tools)
	@test -n "$(FROM)" || { echo "usage: make grade FROM=folder/ [ROSTER=roster.csv] [SANDBOX=1]"; exit 2; }
	python -m instructor grade "$(FROM)" $(if $(ROSTER),--roster "$(ROSTER)") \
		$(if $(ONLY),--assignments $(ONLY)) $(GRADE_FLAGS)

merge: $(VENV)/.installed
	@test -n "$(SHARDS)" || { echo "usage: make merge SHARDS=\"shard-1 shard-2 ...\""; exit 2; }
	python -m instructor merge $(SHARDS)

# bubblewrap (bwrap) runs student code with no network and a read-only view (python -m instructor
# autograde --sandbox). Installed with apt-get when we may (root); otherwise this says how.
sandbox-tools:
	@command -v bwrap >/dev/null 2>&1 || \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing bubblewrap for the grading sandbox (apt-get)..."; \
		(apt-get install -y -qq bubblewrap >/dev/null 2>&1 || \
		 (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap >/dev/null)); \
	else \
		echo "bubblewrap is missing: 'sudo apt-get install -y bubblewrap' (Debian/Ubuntu), 'sudo dnf install bubblewrap'" \
		     "(Fedora); --sandbox and its tests fail until it is there."; \
	fi
	@python -c "from instructor.sandbox import check_available as c; print('sandbox ready:', c())" 2>/dev/null \
	|| echo "The grading sandbox cannot start here (README, For instructors: Sandbox)."

# Seconds per submission to autograde N copies of a notebook's solution: plain nbgrader, ours with --jobs 1 and
# with --jobs JOBS (default all cores), side by side (README "For instructors"):
#   make benchmark-grading [N=8] [NOTEBOOK=03_segmentation] [JOBS=4] [SANDBOX=1]
benchmark-grading: $(VENV)/.installed
	python benchmarks/grading_throughput.py $(if $(N),--copies $(N)) $(if $(NOTEBOOK),--notebook $(NOTEBOOK)) \
		$(if $(JOBS),--jobs $(JOBS)) $(if $(SANDBOX),--sandbox)
