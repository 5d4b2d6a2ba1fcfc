# Kechuang: `make demo` serves the demo site, `make test` runs the whole suite.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench fuzz loadtest install assets chromium clean report-pdf

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

install: $(STAMP) node_modules/.package-lock.json

assets: node_modules/.package-lock.json

# Browser tests drive Debian's Chromium (with a CJK font for readable screenshots).
chromium:
	@(command -v chromium >/dev/null && fc-list :lang=zh | grep -q .) || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk)

demo: install
	$(BIN)/kechuang demo

test: install chromium
	$(BIN)/ruff check .
	$(BIN)/kechuang makemigrations --check --dry-run >/dev/null
	$(BIN)/pytest -n 2 --dist loadscope -m "not browser"
	$(BIN)/pytest -m browser

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/kechuang makemigrations --check --dry-run

# make bench [ROWS=5000] [IMPORT_ROWS=100000] [FIRMS=60000] [MONTHS=24] [ACHIEVEMENTS=100000]
#   [ONLY=excel|indicators|matching|uploads|pages|report] [BENCH_ARGS=--plans];
# on PostgreSQL: DATABASE_URL=postgres://postgres@127.0.0.1:5432/kechuang_bench make bench
bench: install
	$(BIN)/python -m bench $(if $(ROWS),--rows $(ROWS)) $(if $(IMPORT_ROWS),--import-rows $(IMPORT_ROWS)) $(if $(FIRMS),--firms $(FIRMS)) \
	  $(if $(MONTHS),--months $(MONTHS)) $(if $(ACHIEVEMENTS),--achievements $(ACHIEVEMENTS)) \
	  $(if $(ONLY),--only $(ONLY)) $(BENCH_ARGS)

# make report-pdf: the demo's 2023 H1 report (.docx) converted by LibreOffice to PDF and its
# pages rendered to PNG in var/report/ (outside `make test`).
REPORT_DIR := var/report
report-pdf: install
	@(command -v libreoffice >/dev/null && command -v pdftoppm >/dev/null) || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libreoffice-writer poppler-utils fonts-noto-cjk)
	mkdir -p $(REPORT_DIR)
	$(BIN)/kechuang demo --no-serve >/dev/null
	$(BIN)/kechuang report --region 331121 --period 2023-06 --kind half-year --output $(REPORT_DIR)/report.docx
	libreoffice --headless --convert-to pdf --outdir $(REPORT_DIR) $(REPORT_DIR)/report.docx
	pdftoppm -png -r 80 $(REPORT_DIR)/report.pdf $(REPORT_DIR)/page

# make fuzz [EXAMPLES=25]: schemathesis against a demo site on a free loopback port.
fuzz: install
	$(BIN)/python -m fuzz $(if $(EXAMPLES),--max-examples $(EXAMPLES))

# make loadtest [SESSIONS=50] [DURATION=60]: signed-in sessions of every role against a demo
# site (gunicorn, 2 workers, and a task worker) on a free loopback port, next to /healthz.
loadtest: install
	$(BIN)/python -m loadtest $(if $(SESSIONS),--sessions $(SESSIONS)) \
	  $(if $(DURATION),--duration $(DURATION))

clean:
	rm -rf $(VENV) node_modules var/static
