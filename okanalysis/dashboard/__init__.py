"""okanalysis.dashboard: the circle dashboards served with Voila.

- `server`: the Voila launcher (`okanalysis dashboard`);
- `source`: where the results come from (raw data computed once in a child process);
- `data`: what a screen reads (`CircleData` over a `Results`, one district at a time);
- `kit`: words, formatting, HTML pieces, CSS and figure widgets;
- `pickers`: choosing a village or district, the page's address;
- `panels`: one module per panel of the circle screen;
- `form`: the scoring form; `circle`: the circle screen (`circle_app`);
- `scorecard`: the district scorecard (`district_app`).

The names below are this layer's public API (`okanalysis.dashboard.serve`...); modules inside
okanalysis import the module that defines a name, never this file.
"""

from okanalysis.dashboard.server import (
    DASHBOARDS_DIR,
    DATA_ENV,
    RESULTS_ENV,
    STORE_ENV,
    TOKEN_ENV,
    ServerSettings,
    addresses,
    default_data_path,
    environment,
    serve,
    settings,
    voila_config,
    with_results,
)

__all__ = [
    "DASHBOARDS_DIR",
    "DATA_ENV",
    "RESULTS_ENV",
    "STORE_ENV",
    "TOKEN_ENV",
    "ServerSettings",
    "addresses",
    "default_data_path",
    "environment",
    "serve",
    "settings",
    "voila_config",
    "with_results",
]
