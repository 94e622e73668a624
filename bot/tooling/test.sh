#!/usr/bin/env bash
# `make test`: data validation, conversation tests of the dialogue, then pytest (unit tests,
# the red-flag gate, and whole conversations through the trained model and a real action
# server). pytest runs last so its summary closes the output.
set -euo pipefail
cd "$(dirname "$0")/../.."

echo "== rasa data validate"
.venv/bin/rasa data validate --config config.yml --domain domain --data data \
  >results/validate.log 2>&1 || { tail -40 results/validate.log; exit 1; }
grep -E "conflicts found|Validating" results/validate.log | sed 's/^.*INFO *//' | head -8

echo "== conversation tests: rasa test core --stories tests/stories --fail-on-prediction-errors"
.venv/bin/rasa test core --model models/triage.tar.gz --stories tests/stories \
  --fail-on-prediction-errors --out results/core >results/core.log 2>&1 \
  || { tail -40 results/core.log; exit 1; }
grep -E "Correct:|Accuracy:" results/core.log | head -4

echo "== lint: ruff check"
.venv/bin/ruff check bot actions tests

echo "== pytest"
.venv/bin/python -m pytest tests --durations=15
