"""okanalysis.circles: the learning-circle store: agreed grades saved in circles, read back and exported.

The names below are this layer's public API (`okanalysis.circles.open_...`); modules inside
okanalysis import the module that defines a name, never this file.
"""

from okanalysis.circles.store import (
    AGE_BAND_COUNTS,
    COUNT_COLUMNS,
    EXPORT_LABELS,
    GENDER_COUNTS,
    ROLE_COUNTS,
    SESSION_FRAME_COLUMNS,
    UNIT_LEVELS,
    CircleSession,
    CircleStore,
    ComponentScore,
    Participants,
    backup,
    check_session,
    component_scores,
    current,
    default_path,
    export,
    export_table,
    history,
    in_force,
    known_units,
    load_session,
    open_store,
    save_session,
)

__all__ = [
    "AGE_BAND_COUNTS",
    "COUNT_COLUMNS",
    "EXPORT_LABELS",
    "GENDER_COUNTS",
    "ROLE_COUNTS",
    "SESSION_FRAME_COLUMNS",
    "UNIT_LEVELS",
    "CircleSession",
    "CircleStore",
    "ComponentScore",
    "Participants",
    "backup",
    "check_session",
    "component_scores",
    "current",
    "default_path",
    "export",
    "export_table",
    "history",
    "in_force",
    "known_units",
    "load_session",
    "open_store",
    "save_session",
]
