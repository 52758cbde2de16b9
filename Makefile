# mlecourse: `make book` builds the site, `make test` checks everything.
# The first use creates .venv; later uses reinstall only when the
# requirement files change.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
BOOK_FLAGS ?= -W -n --keep-going

.PHONY: book test lint unit site bench student notebooks grade clean help

help:
	@echo "make book    build the site into _build/html (creates .venv on first use)"
	@echo "make test    lint, package tests, the book build with -W, built-site tests"
	@echo "make bench   benchmarks and build budgets (prints ratios)"
	@echo "make student student notebooks without solutions, into student/"
	@echo "make notebooks  every chapter as a notebook (solutions folded), into notebooks/,"
	@echo "                as Binder's postBuild writes them"
	@echo "make grade   grade SUBMISSIONS=<dir> against TESTS=<dir> (ROSTER=<csv>), into grades/"
	@echo "make clean   remove the build and caches (keeps .venv and grades/)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip "setuptools>=77"

$(VENV)/.book-installed: requirements.txt pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3" >/dev/null
	touch $@

$(VENV)/.test-installed: $(VENV)/.book-installed pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

# one BLAS thread per kernel: the chapters' arrays are small, and on a two-core
# machine (or Binder's one) threads only compete with each other
book: $(VENV)/.book-installed
	OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 $(BIN)/jupyter-book build . $(BOOK_FLAGS)
	@echo "Built. Open _build/html/index.html, or serve it: $(BIN)/python -m http.server -d _build/html 8000"

lint: $(VENV)/.test-installed
	$(BIN)/ruff check .

unit: $(VENV)/.test-installed
	$(BIN)/python -m pytest -q -m "not site" tests --doctest-modules mlecourse

# offline copies of the scripts the pages load from CDNs (MathJax, RequireJS, the
# widget manager) and axe-core, for the browser tests
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

site: $(VENV)/.test-installed node_modules/.package-lock.json
	$(BIN)/python -m pytest -q -m site tests

test: lint unit book site

bench: $(VENV)/.test-installed
	@for f in benchmarks/bench_*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

student: $(VENV)/.test-installed
	$(BIN)/mlecourse assign --out student

# what Binder's postBuild runs; uses the book's execution cache when `make book` has run
notebooks: $(VENV)/.book-installed
	OPENBLAS_NUM_THREADS=1 $(BIN)/python -m mlecourse.coursework.notebook --out notebooks

# TESTS: keep graded tests in a private folder (mlecourse instructor-init); tests/instructor
# holds the public examples. ROSTER: a CSV with a student column (optional).
SUBMISSIONS ?= submissions
TESTS ?= tests/instructor
GRADE_FLAGS ?= $(if $(ROSTER),--roster $(ROSTER))
grade: $(VENV)/.test-installed
	$(BIN)/mlecourse grade $(SUBMISSIONS) --tests $(TESTS) --out grades --jobs 2 $(GRADE_FLAGS)

clean:
	rm -rf _build student notebooks .pytest_cache .ruff_cache .hypothesis
