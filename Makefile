# Two commands do all the set-up on a fresh machine: `make demo` and `make test`.
VENV   ?= .venv
PY     := $(VENV)/bin/python
# -qq and no version check: pip says nothing unless it fails, so `make demo` shows symbreak's output
PIP    := $(PY) -m pip --disable-pip-version-check
STAMP  := $(VENV)/.installed
# torch 2.13.0 is the CPU wheel this workplace serves locally; any torch already present is kept.
TORCH  ?= torch==2.13.0

.PHONY: install demo test lint bench sample-data clean

$(PY):
	python3 -m venv $(VENV)
	$(PIP) install -qq --upgrade pip

$(STAMP): pyproject.toml | $(PY)
	$(PY) -c "import torch" 2>/dev/null || $(PIP) install -qq $(TORCH)
	$(PIP) install -qq -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(VENV)/bin/symbreak fit sample_data/cube_to_prism.h5 --out runs/demo --force
	$(VENV)/bin/symbreak explain runs/demo
	$(VENV)/bin/symbreak render runs/demo --out runs/demo-pictures  # beside the run: fit --force replaces only a run holding nothing else

test: install
	$(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check symbreak tests benchmarks scripts

bench: install
	$(PY) benchmarks/run_all.py

sample-data: install
	$(PY) scripts/make_sample_data.py

clean:
	rm -rf runs .pytest_cache .ruff_cache
