# govmedia — two commands: `make demo` and `make test` (README).
# The interpreter the app servers run (docs/deploy.md): Debian's python3.11 when there is one (a
# static, profile-optimised build; a pyenv build ran the pages 10–30 % slower and hid a 3.11.4-only
# call, decision 0074), else the first python3.11 on PATH.
PYTHON ?= $(shell test -x /usr/bin/python3.11 && echo /usr/bin/python3.11 || command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
DEV_ENV := DEBUG=1
DEMO_PASSWORD ?= Demo@2026

.PHONY: demo test lint bench bench-monitoring prod-check fault-drill install serve migrate demo-data clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -e ".[test]"
	touch $@

install: $(VENV)/.installed

migrate: install
	$(DEV_ENV) $(PY) manage.py migrate --noinput

demo-data: migrate
	$(DEV_ENV) $(PY) manage.py load_orgtree
	$(DEV_ENV) DEMO_PASSWORD='$(DEMO_PASSWORD)' $(PY) manage.py load_demo
	$(DEV_ENV) $(PY) manage.py load_demo_media
	$(DEV_ENV) $(PY) manage.py load_demo_websites
	$(DEV_ENV) $(PY) manage.py publish_open_data

demo: demo-data
	@echo "演示系统：http://127.0.0.1:8000  （用户名为组织单位代码，如 GB0000、110000、110108、bm2900；密码 $(DEMO_PASSWORD)）"
	@echo "后台任务进程（导出、16:00 标识码等定时任务）随网站一同启动，Ctrl+C 一并停止。"
	$(DEV_ENV) $(PY) manage.py jobs_worker --with-scheduler & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(DEV_ENV) CONN_MAX_AGE=0 $(PY) manage.py runserver 127.0.0.1:8000  # a thread per request: no connection kept

# `make test` = the linter, the import contracts (.importlinter), the function-level import ceiling,
# the form of the decision records, the migrations check, then the suite.
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(PY) scripts/function_imports.py
	$(PY) scripts/decision_records.py
	DATABASE_URL=sqlite:///:memory: DJANGO_SETTINGS_MODULE=govmedia.settings_test $(PY) manage.py makemigrations --check --dry-run

test: install lint
	./scripts/test.sh

bench: install
	./scripts/bench.sh

# Only the monitoring check run of `make bench` (20,000 websites, 250,000 accounts, fixture server).
bench-monitoring: install
	BENCH_ONLY=monitoring ./scripts/bench.sh

# Two gunicorn app servers + Redis + PostgreSQL on loopback: smoke journey, then locust (docs/benchmarks.md).
prod-check: install
	$(PY) -m pip install --quiet -e ".[test,prodcheck]"
	./scripts/prod-check.sh

# Primary+standby PostgreSQL, Redis+replica+Sentinel, two app servers, two workers on loopback; faults
# injected in turn under a write load (docs/reliability.md). Not part of `make test`.
fault-drill: install
	$(PY) scripts/fault_drill.py

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
