# Every target installs what it needs first, so a fresh clone needs only Python 3.11+, make and
# Node.js 20 with npm (the dashboard's build).
export UV_PYTHON_DOWNLOADS := never
UV := $(shell command -v uv 2>/dev/null || echo "$(HOME)/.local/bin/uv")

.PHONY: install dashboard up test test-e2e lint typecheck format bench

install:
	@command -v uv >/dev/null 2>&1 || test -x "$(UV)" || python3 -m pip install --user --quiet uv
	$(UV) sync --frozen --python 3.11
	bash services/query-api/dashboard/scripts/build.sh

# npm ci + codegen + tsc + vite build of the dashboard query-api serves; skipped when unchanged.
dashboard:
	bash services/query-api/dashboard/scripts/build.sh

up: install
	$(UV) run mauzo up --demo

test: install
	$(UV) run pytest

test-e2e: install
	$(UV) run pytest tests/e2e

lint: install
	$(UV) run ruff check .
	$(UV) run ruff format --check .
	$(UV) run lint-imports

typecheck: install
	$(UV) run mypy libs/common/src services/*/src tools/cli/src

format: install
	$(UV) run ruff format .
	$(UV) run ruff check --fix .

bench: install
	$(UV) run python bench/pipeline/stack_timings.py
