"""Parameters the academic team edits: YAML in `parameters/`, validated on load.

Errors name the file and the line, so a typo in a threshold is found in one look.
"""

from __future__ import annotations

import copy
import hashlib
import os
import threading
from collections import OrderedDict
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from okanalysis.core.errors import ParameterError
from okanalysis.core.paths import parameters_dir


class _LineLoader(yaml.SafeLoader):
    """A YAML loader whose mappings remember the line they start on (1-based)."""


class LineDict(dict):
    """A mapping read from YAML, with `line` (1-based) where it starts."""

    line: int = 0


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    mapping = LineDict(loader.construct_mapping(node, deep=True))
    mapping.line = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


_PARSED_MAX = 64  # parsed files kept, by content
_parsed: OrderedDict[str, Any] = OrderedDict()
_parsed_lock = threading.Lock()
_MISSING = object()


def content_key(path: str | os.PathLike[str]) -> str:
    """The SHA-256 of a file's bytes ('' when it cannot be read): what every cache of parameter
    files is keyed on, so an edited file is read again even within the same second."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return ""


def read_yaml(path: str | os.PathLike[str]) -> Any:
    """Read a YAML parameter file whose mappings carry their line numbers (`LineDict.line`);
    a file that is not there, not UTF-8 or not valid YAML is a ParameterError naming the file
    and the line.

    The one reader of parameter files: a file is parsed once per content (its SHA-256), so an
    edited file is read again and an unchanged one (or a copy of it) is not; every call returns
    its own deep copy, which the caller may change freely.
    """
    path = Path(path)
    if not path.is_file():
        raise ParameterError("ไม่พบไฟล์พารามิเตอร์", "parameter file not found", file=str(path))
    raw = path.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    with _parsed_lock:
        data = _parsed.get(digest, _MISSING)
        if data is not _MISSING:
            _parsed.move_to_end(digest)
    if data is _MISSING:
        data = _parse_yaml(raw, path)
        with _parsed_lock:
            _parsed[digest] = data
            while len(_parsed) > _PARSED_MAX:
                _parsed.popitem(last=False)
    return copy.deepcopy(data)


def _parse_yaml(raw: bytes, path: Path) -> Any:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ParameterError(
            "ไฟล์ต้องบันทึกเป็น UTF-8",
            "the file must be saved as UTF-8",
            file=str(path),
            row=raw[: exc.start].count(b"\n") + 1,
        ) from exc
    try:
        return yaml.load(text, Loader=_LineLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        raise ParameterError(
            f"ไฟล์ YAML ผิดรูปแบบ ({exc.problem})",
            f"malformed YAML ({exc.problem})",
            file=str(path),
            row=(mark.line + 1) if mark else None,
        ) from exc


def require(
    item: Any, key: str, path: Path, *, allowed: set[str] | None = None, kind: type | None = None
) -> Any:
    """The value of `key` in a YAML mapping, or a ParameterError naming file, line and key."""
    line = getattr(item, "line", None)
    if not isinstance(item, dict) or key not in item:
        raise ParameterError(
            f"ต้องมีคีย์ '{key}'", f"key '{key}' is required", file=str(path), row=line, column=key
        )
    value = item[key]
    if allowed is not None and value not in allowed:
        raise ParameterError(
            f"ค่าต้องเป็นหนึ่งใน {sorted(allowed)}",
            f"must be one of {sorted(allowed)}",
            file=str(path),
            row=line,
            column=key,
            value=value,
        )
    if kind is not None and not isinstance(value, kind):
        raise ParameterError(
            f"ค่าต้องเป็นชนิด {kind.__name__}",
            f"must be of type {kind.__name__}",
            file=str(path),
            row=line,
            column=key,
            value=value,
        )
    return value


def number(item: Any, key: str, path: Path, *, integer: bool = False, minimum: float = 0) -> Any:
    """The number under `key` of a YAML mapping, or a ParameterError naming file, line and key."""
    value = require(item, key, path)
    ok = isinstance(value, int) if integer else isinstance(value, int | float)
    if isinstance(value, bool) or not ok or value < minimum:
        kind = "จำนวนเต็ม" if integer else "ตัวเลข"
        raise ParameterError(
            f"'{key}' ต้องเป็น{kind}ไม่น้อยกว่า {minimum}",
            f"'{key}' must be a {'whole ' if integer else ''}number of at least {minimum}",
            file=str(path),
            row=getattr(item, "line", None),
            column=key,
            value=value,
        )
    return value


KINDS = {"income", "expense", "transfer"}
FLAGS = ("avoidable", "substitutable", "farm_input")
_GROUP_KEYS = {"code", "name_th", "name_en", "kind", "consumption", "nso_share"}
_CATEGORY_KEYS = {"code", "name_th", "name_en", "kind", "group", "direction", *FLAGS}


def only_keys(item: Any, allowed: set[str], path: Path) -> None:
    """Refuse keys a mapping should not have (a typo, or text cut by an unquoted comma)."""
    extra = sorted(set(item) - allowed) if isinstance(item, dict) else []
    if extra:
        raise ParameterError(
            f"คีย์ที่ไม่รู้จัก {extra} (ถ้าข้อความมีเครื่องหมายจุลภาค ให้ใส่ในเครื่องหมายคำพูด)",
            f"unknown keys {extra} (quote any text that contains a comma)",
            file=str(path),
            row=getattr(item, "line", None),
            value=", ".join(map(str, extra)),
        )


@cache
def _categories_cached(path: Path, digest: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    data = read_yaml(path)
    groups_raw = require(data, "groups", path, kind=list)
    cats_raw = require(data, "categories", path, kind=list)
    groups = []
    for g in groups_raw:
        only_keys(g, _GROUP_KEYS, path)
        groups.append(
            {
                "group": str(require(g, "code", path)),
                "group_th": str(require(g, "name_th", path)),
                "group_en": str(require(g, "name_en", path)),
                "kind": require(g, "kind", path, allowed=KINDS),
                "consumption": bool(g.get("consumption", False)),
                "nso_share": float(g["nso_share"]) if g.get("nso_share") is not None else None,
            }
        )
    group_kind = {g["group"]: g["kind"] for g in groups}
    rows, seen = [], set()
    for c in cats_raw:
        only_keys(c, _CATEGORY_KEYS, path)
        code = str(require(c, "code", path))
        if code in seen:
            raise ParameterError(
                "รหัสหมวดซ้ำ", "duplicate category code", file=str(path), row=c.line, value=code
            )
        seen.add(code)
        kind = require(c, "kind", path, allowed=KINDS)
        group = require(c, "group", path, allowed=set(group_kind))
        if group_kind[group] != kind:
            raise ParameterError(
                f"หมวด '{group}' เป็นชนิด {group_kind[group]} ไม่ใช่ {kind}",
                f"group '{group}' is of kind {group_kind[group]}, not {kind}",
                file=str(path),
                row=c.line,
                column="group",
                value=group,
            )
        direction = c.get("direction")
        if kind == "transfer":
            direction = require(c, "direction", path, allowed={"in", "out"})
        row = {
            "category": code,
            "name_th": str(require(c, "name_th", path)),
            "name_en": str(require(c, "name_en", path)),
            "kind": kind,
            "group": group,
            "direction": direction,
        }
        for flag in FLAGS:
            value = c.get(flag, False)
            if not isinstance(value, bool):
                raise ParameterError(
                    f"'{flag}' ต้องเป็น true หรือ false",
                    f"'{flag}' must be true or false",
                    file=str(path),
                    row=c.line,
                    column=flag,
                    value=value,
                )
            row[flag] = value
        rows.append(row)
    return pd.DataFrame(rows), pd.DataFrame(groups)


def ledger_categories(path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """The ledger categories: one row per code with name_th/en, kind, group, direction, flags."""
    file = Path(path) if path else parameters_dir() / "ledger_categories.yaml"
    return _categories_cached(file.resolve(), content_key(file))[0].copy()


def ledger_groups(path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """The category groups: code, Thai and English names, kind, consumption flag, NSO share."""
    file = Path(path) if path else parameters_dir() / "ledger_categories.yaml"
    return _categories_cached(file.resolve(), content_key(file))[1].copy()


def sectors(path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """The nine partner sectors of sub-district facilitators."""
    file = Path(path) if path else parameters_dir() / "sectors.yaml"
    return _sectors_cached(file.resolve(), content_key(file)).copy()


@cache
def _sectors_cached(file: Path, digest: str) -> pd.DataFrame:
    data = read_yaml(file)
    rows = [
        {
            "sector": str(require(s, "code", file)),
            "name_th": str(require(s, "name_th", file)),
            "name_en": str(require(s, "name_en", file)),
        }
        for s in require(data, "sectors", file, kind=list)
    ]
    return pd.DataFrame(rows)
