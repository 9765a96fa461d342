"""okanalysis.dashboard: the circle dashboards served with Voila.

The names below are this layer's public API (`okanalysis.dashboard.open_...`); modules inside
okanalysis import the module that defines a name, never this file.
"""

from okanalysis.dashboard.server import (
    CHROMIUM,
    CHROMIUM_ARGS,
    DASHBOARDS_DIR,
    DATA_ENV,
    STORE_ENV,
    TOKEN_ENV,
    VIEWPORT,
    Background,
    ServerSettings,
    addresses,
    default_data_path,
    environment,
    free_port,
    launch_chromium,
    screenshots,
    serve,
    settings,
    voila_config,
)

__all__ = [
    "CHROMIUM",
    "CHROMIUM_ARGS",
    "DASHBOARDS_DIR",
    "DATA_ENV",
    "STORE_ENV",
    "TOKEN_ENV",
    "VIEWPORT",
    "Background",
    "ServerSettings",
    "addresses",
    "default_data_path",
    "environment",
    "free_port",
    "launch_chromium",
    "screenshots",
    "serve",
    "settings",
    "voila_config",
]
