# The two commands in the README are the contract: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test setup migrate demo lint lint-baseline bench clean

# Keep compiled bytecode (some machines set PYTHONDONTWRITEBYTECODE): every test worker, and every
# server or command a test starts, would otherwise compile the project and its tests from source again.
unexport PYTHONDONTWRITEBYTECODE

$(STAMP): requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $(STAMP)

setup: $(STAMP)

migrate: setup
	DEBUG=true $(PY) manage.py migrate --noinput

demo: migrate
	DEBUG=true $(PY) manage.py load_demo

run: demo
	DEBUG=true $(PY) manage.py runserver 127.0.0.1:8000

# The whole suite on every core (pytest-xdist; TEST_WORKERS=0 runs it in one process), a file per
# worker at a time so module-scoped data (the access matrix, the demo for the fuzz) is built once.
TEST_WORKERS ?= auto
test: setup
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile

# ruff; the import contracts (.importlinter); mypy over the pure modules (strict) and the services,
# failing only on errors not already listed in mypy-baseline.txt (pyproject.toml says why).
lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy | $(VENV)/bin/mypy-baseline filter --allow-unsynced --no-colors --hide-stats

# After fixing type errors: rewrite mypy-baseline.txt with the ones still there.
lint-baseline: setup
	$(VENV)/bin/mypy | $(VENV)/bin/mypy-baseline sync

bench: setup
	$(PY) -m bench

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
