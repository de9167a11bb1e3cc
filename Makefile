# One command sets up and runs the app on the seeds (make run); one sets up and tests (make test).
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
INDEX ?= index
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: setup run test index clean browser

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# torch first, pinned to the local CPU build: a bare 'torch' would pull the CUDA wheels.
$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

setup: $(VENV)/.installed

$(INDEX)/CURRENT: | setup
	$(BIN)/archive build seeds --index $(INDEX)

index: setup
	$(BIN)/archive build seeds --index $(INDEX)

run: setup $(INDEX)/CURRENT
	ARCHIVE_INDEX=$(INDEX) $(BIN)/streamlit run app.py --server.address localhost --server.headless true

# Chromium for the real-browser test (Debian packages); skipped with a reason where apt can't.
browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
	  ( (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null) || \
	    echo "could not install chromium: the browser test will be skipped" )

test: setup browser
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(INDEX) .pytest_cache
