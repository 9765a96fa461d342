# okanalysis: the front door. `make demo` and `make test` set everything up from nothing
# but Python 3.11+ (they create .venv and install the pinned dependencies first).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
SCALE ?= 1
DATA ?= data/demo
SRC := okanalysis tests benchmarks

.PHONY: install demo lab test lint format docs clean dashboard screenshots

$(VENV)/.installed: pyproject.toml constraints.txt
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[test]"
	$(BIN)/python -m ipykernel install --prefix $(VENV) --name okanalysis --display-name "okanalysis (Python 3)" >/dev/null
	touch $@

install: $(VENV)/.installed ## create .venv and install okanalysis with its pinned dependencies

demo: install ## build the demo province (scale $(SCALE)) into $(DATA), validate it, run the main job
	$(BIN)/okanalysis demo --scale $(SCALE) --format parquet --out $(DATA)
	$(BIN)/okanalysis batch --data $(DATA) --out reports
	@echo
	@echo "เปิดดู / open:  reports/index.html                (รายงานรายอำเภอ / district reports)"
	@echo "ต่อไป / next:  $(BIN)/okanalysis validate $(DATA)   (ตรวจข้อมูล / validate)"
	@echo "               docs/data.md                      (พจนานุกรมข้อมูล / data dictionary)"

lab: install ## JupyterLab on notebooks/explore.ipynb with the project's kernel
	$(BIN)/jupyter lab notebooks/explore.ipynb --MappingKernelManager.default_kernel_name=okanalysis

dashboard: install ## the circle dashboards (Voila) on $(DATA); LAN=1 opens them to the district network with a token
	$(BIN)/okanalysis dashboard --data $(DATA) $(if $(LAN),--lan,)

screenshots: install ## PNGs of both dashboards at 1366x768 into docs/screenshots (needs chromium)
	$(BIN)/python -m tests.support.screenshots --out docs/screenshots --data $(DATA)

lint: install ## ruff lint and format check
	$(BIN)/ruff check $(SRC)
	$(BIN)/ruff format --check $(SRC)

test: lint ## lint, then the whole test suite
	$(BIN)/python -m pytest -n 2 --durations=20

format: install ## format the code with ruff
	$(BIN)/ruff check --fix $(SRC)
	$(BIN)/ruff format $(SRC)

docs: install ## regenerate docs/data.md from the schema
	$(BIN)/python -m okanalysis.contract.datadict

clean: ## remove the virtual environment and generated data
	rm -rf $(VENV) data/demo data/processed
