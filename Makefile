# Charter: `make run` serves the app; `make test` runs every test. Both set everything up first.
PORT ?= 8501
DB ?= data/charter.duckdb
export UV_PYTHON_DOWNLOADS := never
UV_BIN := $(shell command -v uv 2>/dev/null)
UV := $(if $(UV_BIN),$(UV_BIN),python3 -m uv)
PYTEST_ARGS ?=

.PHONY: run test lint bench load profile setup db clean-db

.venv/.synced: pyproject.toml uv.lock
	@$(UV) --version >/dev/null 2>&1 || python3 -m pip install --quiet uv
	$(UV) sync --locked --compile-bytecode
	@touch $@

setup: .venv/.synced

$(DB): | .venv/.synced
	CHARTER_DB=$(DB) .venv/bin/charter init --demo

db: $(DB)

# MALLOC_ARENA_MAX=2: the app's threads (sessions, DuckDB) otherwise each keep their own malloc arena; two keep
# the server ~30 MB smaller at 50 councils (make bench) at no measurable cost in speed. dashboard/serve.py is
# `streamlit run dashboard/app.py` with the pages' modules imported before the server answers (its docstring).
run: .venv/.synced $(DB)
	CHARTER_DB=$(DB) .venv/bin/charter init
	MALLOC_ARENA_MAX=2 CHARTER_DB=$(DB) .venv/bin/python -m dashboard.serve --server.port $(PORT) --server.headless true

test: .venv/.synced
	.venv/bin/python -m pytest -n 2 $(PYTEST_ARGS)

lint: .venv/.synced
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy metrics dashboard

bench: .venv/.synced
	.venv/bin/python -m tests.perf.run

# N browser sessions at once on the 50-council demo; SESSIONS=1,5 runs fewer (see tests/perf/load.py).
load: .venv/.synced
	.venv/bin/python -m tests.perf.load $(if $(SESSIONS),--sessions $(SESSIONS))

clean-db:
	rm -f $(DB) $(DB).wal

profile: .venv/.synced
	.venv/bin/python -m tests.perf.profile $(PAGE) --db $(DB)
