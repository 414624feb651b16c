# Two commands on a fresh machine: `make run` and `make test`.
PORT ?= 8501
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip install --quiet --disable-pip-version-check

.PHONY: run school test bench install install-dev clean

$(PY):
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime: requirements.txt | $(PY)
	$(PIP) -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(PY)
	$(PIP) -r requirements-dev.txt
	touch $(VENV)/.runtime $@

$(VENV)/.bench: requirements-bench.txt $(VENV)/.dev
	$(PIP) -r requirements-bench.txt
	touch $@

install: $(VENV)/.runtime
install-dev: $(VENV)/.dev

# ui/launch.py: `streamlit run` with JAX's compilation cache in .cache/jax and the
# pages' programs compiled in the background from the start. MALLOC_ARENA_MAX=2: every
# session's script thread would otherwise get a glibc malloc arena of its own (40
# students: ~290 MB more resident memory, measured with bench/load/run_load.py).
run: $(VENV)/.runtime
	mkdir -p .cache/jax
	MALLOC_ARENA_MAX=2 $(PY) -m ui.launch app.py --server.port $(PORT)

# A whole school: N app processes behind Debian's nginx on $(PORT) (school/serve.py).
N ?= 2
school: $(VENV)/.runtime
	mkdir -p .cache/jax
	$(PY) -m school.serve --processes $(N) --port $(PORT)

test: $(VENV)/.dev
	$(PY) -m pytest

bench: $(VENV)/.bench
	$(PY) bench/bench_flow_vs_torch.py
	$(PY) bench/bench_slider_redraw.py
	$(PY) bench/bench_flow_redraw.py
	$(PY) bench/load/run_load.py --sessions 40 --reruns 2000

clean:
	rm -rf $(VENV) .pytest_cache
