"""Every default location and environment variable, in one place.

Defaults are relative to the working folder (the project folder, or wherever a district office
runs the command); each can be moved by its environment variable. Nothing is looked for beside
the installed package except what ships with it (templates) and the project's own assets that a
source checkout carries (notebooks, parameters, docs).
"""

from __future__ import annotations

import os
from pathlib import Path

#: The installed package (templates and static files ship inside it).
PACKAGE_DIR = Path(__file__).resolve().parent.parent
#: The source checkout the package was installed from (editable install): notebooks, docs,
#: the default parameters.
PROJECT_DIR = PACKAGE_DIR.parent

#: The province's input data (a folder of CSV/Parquet or an XLSX workbook).
DATA_ENV = "OKANALYSIS_DATA"
#: The learning-circle store (SQLite).
CIRCLES_ENV = "OKANALYSIS_CIRCLES"
#: Where computed results are kept (one folder per input, keyed by what went in).
CACHE_ENV = "OKANALYSIS_CACHE"
#: The folder of parameter YAML files the academic team edits.
PARAMETERS_ENV = "OKANALYSIS_PARAMETERS"
#: The token a LAN dashboard requires (kept across restarts when set).
TOKEN_ENV = "OKANALYSIS_TOKEN"
#: Tells dashboard kernels where plotly's widget code is served.
BUNDLE_ENV = "OKANALYSIS_PLOTLY_BUNDLE"
#: Tells dashboard kernels where the computed results are.
RESULTS_ENV = "OKANALYSIS_RESULTS"

#: The report notebooks papermill runs.
NOTEBOOKS_DIR = PROJECT_DIR / "notebooks"
#: The dashboard notebooks Voila serves (nothing outside it is served).
DASHBOARDS_DIR = NOTEBOOKS_DIR / "dashboards"
#: The generated data dictionary.
DATA_DICTIONARY = PROJECT_DIR / "docs" / "data.md"
#: The report HTML template (nbconvert) that ships with the package.
REPORT_TEMPLATES = PACKAGE_DIR / "templates_html"
#: The Voila template folder that ships with the package (a JUPYTER_PATH entry).
VOILA_DIR = PACKAGE_DIR / "voila"
#: The parameter files that ship with the project.
PROJECT_PARAMETERS = PROJECT_DIR / "parameters"
#: The reports folder, relative to the working folder.
REPORTS = Path("reports")


def data_dir() -> Path:
    """The input data: $OKANALYSIS_DATA, else ./data/demo."""
    env = os.environ.get(DATA_ENV)
    return Path(env) if env else Path.cwd() / "data" / "demo"


def circle_store() -> Path:
    """The learning-circle store: $OKANALYSIS_CIRCLES, else ./data/circles.sqlite."""
    env = os.environ.get(CIRCLES_ENV)
    return Path(env) if env else Path.cwd() / "data" / "circles.sqlite"


def results_root(data: str | os.PathLike[str]) -> Path:
    """Where results of the input at `data` are kept: $OKANALYSIS_CACHE, else `processed/`
    beside the input (data/demo -> data/processed/), never inside it."""
    env = os.environ.get(CACHE_ENV)
    return Path(env) if env else Path(data).resolve().parent / "processed"


def parameters_dir(path: str | os.PathLike[str] | None = None) -> Path:
    """The folder of parameter files: `path`, else $OKANALYSIS_PARAMETERS, else ./parameters,
    else the project's own `parameters/`."""
    for candidate in (path, os.environ.get(PARAMETERS_ENV), Path.cwd() / "parameters"):
        if candidate and Path(candidate).is_dir():
            return Path(candidate)
    return PROJECT_PARAMETERS
