"""Potential maps: user-supplied boundary GeoJSON joined to the hierarchy by Thai names.

Boundary files people hand over (the HDX COD-AB files, a department's shapefile export...)
carry names, not DOPA codes, and the names are messy: prefixes (`อ.`, `อำเภอ`), names cut by a
shapefile's field length (`เมืองนครศรีธรรมร`), English spellings that differ from geothai's
(`Cha-Uat` / `Cha-uat`), and sub-district names repeated across districts (`ปากแพรก`). So
features are joined on the (district, sub-district) pair, each name matched tolerantly within
its parent: exact after `geothai.normalize`, else a unique prefix (a truncated name), else a
unique close spelling; English names are tried when the Thai one does not match. Whatever does
not match is listed, never dropped silently.

Maps are drawn as filled shapes on plain axes (no plotly geo or tile layers), so a report
shows them offline with nothing fetched from the internet. Without a boundary file the same
measure is shown as a treemap of the hierarchy (`okanalysis.charts.hierarchy_view`).
"""

from __future__ import annotations

import difflib
import json
import math
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geothai
import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from okanalysis.charts.ledger import hierarchy_view
from okanalysis.charts.style import apply_style, label
from okanalysis.contract import hierarchy
from okanalysis.core.errors import InputError
from okanalysis.core.thai import arabic_digits, format_baht, format_percent
from okanalysis.topics import potential

#: Property names that may hold a district's / sub-district's Thai or English name, by level.
NAME_KEYS: dict[str, dict[str, tuple[str, ...]]] = {
    "amphoe": {
        "th": ("ADM2_TH", "amphoe_th", "AMP_NAMT", "AMPHOE_T", "A_NAME_T", "district_th"),
        "en": ("ADM2_EN", "amphoe_en", "AMP_NAMEE", "AMPHOE_E", "A_NAME_E", "district_en"),
    },
    "tambon": {
        "th": ("ADM3_TH", "tambon_th", "TAM_NAMT", "TAMBON_T", "T_NAME_T", "subdistrict_th"),
        "en": ("ADM3_EN", "tambon_en", "TAM_NAMEE", "TAMBON_E", "T_NAME_E", "subdistrict_en"),
    },
}
#: A close spelling counts only at or above this similarity (difflib ratio, 0-1).
CLOSE_CUTOFF = 0.85
#: A name cut short matches by prefix only when at least this many characters are left.
MIN_PREFIX = 4
#: How each feature was matched, surest first: code -> (Thai, English).
HOW = {
    "exact": ("ตรงกัน", "exact"),
    "english": ("ตรงกันด้วยชื่อภาษาอังกฤษ", "matched by the English name"),
    "prefix": ("ชื่อถูกตัดสั้น", "name cut short"),
    "close": ("สะกดใกล้เคียง", "close spelling"),
}
NO_DATA_COLOUR = "#DDDDDD"
HDX_CREDIT = "OCHA COD-AB (HDX), CC BY-IGO"


@dataclass(frozen=True)
class BoundaryJoin:
    """Boundary features joined to the hierarchy.

    `level` is "amphoe" or "tambon"; `features` the GeoJSON features; `matched` one row per
    feature (feature, amphoe_name, tambon_name, amphoe_code, unit_code, how, matched);
    `unmatched` the features that matched no unit, with their names and why; `source` the
    file and `credit` the attribution to print under a map.
    """

    level: str
    features: tuple[dict, ...]
    matched: pd.DataFrame
    unmatched: pd.DataFrame
    source: str
    credit: str

    def codes(self) -> list[str | None]:
        """The unit code of each feature (None where it did not match)."""
        return [None if pd.isna(c) else str(c) for c in self.matched["unit_code"]]

    def missing_units(self, codes: Iterable[str]) -> list[str]:
        """The unit codes among `codes` that no feature matched."""
        have = set(self.matched["unit_code"].dropna())
        return sorted(set(codes) - have)


def normalise(name: object) -> str:
    """A place name in one comparable form: geothai's normalisation, Arabic digits."""
    if name is None or (isinstance(name, float) and math.isnan(name)):
        return ""
    return geothai.normalize(arabic_digits(str(name)))


def match_name(name: object, candidates: dict[str, str]) -> tuple[str | None, str | None]:
    """The code whose normalised name matches `name` tolerantly, and how; (None, None) if no
    candidate matches or several match equally. `candidates` maps normalised name -> code."""
    key = normalise(name)
    if not key:
        return None, None
    if key in candidates:
        return candidates[key], "exact"
    if len(key) >= MIN_PREFIX:
        prefixed = {c for k, c in candidates.items() if k.startswith(key) or key.startswith(k)}
        if len(prefixed) == 1:
            return prefixed.pop(), "prefix"
    scored = sorted(
        ((difflib.SequenceMatcher(None, key, k).ratio(), c) for k, c in candidates.items()),
        reverse=True,
    )
    best = [c for r, c in scored if r >= CLOSE_CUTOFF and r == scored[0][0]]
    if len({*best}) == 1:
        return best[0], "close"
    return None, None


def _name(props: dict, level: str, lang: str, keys: dict | None) -> Any:
    wanted = (keys or {}).get(level, {}).get(lang)
    for key in (wanted,) if wanted else NAME_KEYS[level][lang]:
        if key and props.get(key) not in (None, ""):
            return props[key]
    return None


def _index(frame: pd.DataFrame, code: str, th: str, en: str) -> tuple[dict, dict]:
    thai = {normalise(n): c for n, c in zip(frame[th], frame[code], strict=True)}
    english = {normalise(n): c for n, c in zip(frame[en], frame[code], strict=True)}
    return thai, english


def _match(th: object, en: object, thai: dict, english: dict) -> tuple[str | None, str | None]:
    code, how = match_name(th, thai)
    if code is None and en is not None:
        code, how = match_name(en, english)
        how = "english" if code is not None else None
    return code, how


def read_geojson(path: str | os.PathLike[str]) -> dict:
    """A GeoJSON FeatureCollection from a file, or an InputError saying what is wrong."""
    file = Path(path)
    if not file.is_file():
        raise InputError(
            "ไม่พบไฟล์ขอบเขต (GeoJSON)", "boundary file (GeoJSON) not found", file=str(file)
        )
    try:
        data = json.loads(file.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(
            f"ไฟล์ขอบเขตไม่ใช่ GeoJSON ที่อ่านได้ ({exc})",
            f"the boundary file is not readable GeoJSON ({exc})",
            file=str(file),
        ) from exc
    if not isinstance(data, dict) or not isinstance(data.get("features"), list):
        raise InputError(
            "ไฟล์ขอบเขตต้องเป็น GeoJSON FeatureCollection",
            "the boundary file must be a GeoJSON FeatureCollection",
            file=str(file),
        )
    return data


def join_boundaries(
    source: str | os.PathLike[str] | dict,
    *,
    name_keys: dict[str, dict[str, str]] | None = None,
    province_code: str = hierarchy.PROVINCE_CODE,
) -> BoundaryJoin:
    """Join the features of a boundary GeoJSON (a path or the parsed dict) to the province's
    districts, or to its sub-districts when the features carry sub-district names.

    Sub-districts are matched within their matched district, so a name that exists in two
    districts joins correctly. `name_keys` overrides the property names, e.g.
    {"tambon": {"th": "TAM_TH"}}; by default the usual ones (ADM2_TH, ADM3_TH...) are found.
    """
    data = source if isinstance(source, dict) else read_geojson(source)
    where = "<geojson>" if isinstance(source, dict) else str(source)
    features = tuple(f for f in data["features"] if isinstance(f, dict))
    props = [f.get("properties") or {} for f in features]
    level = "tambon" if any(_name(p, "tambon", "th", name_keys) for p in props) else "amphoe"
    districts = hierarchy.districts(province_code)
    tambons = hierarchy.tambons(province_code)
    d_th, d_en = _index(districts, "amphoe_code", "amphoe_th", "amphoe_en")
    rows, unmatched = [], []
    for i, p in enumerate(props):
        a_th, a_en = _name(p, "amphoe", "th", name_keys), _name(p, "amphoe", "en", name_keys)
        t_th, t_en = _name(p, "tambon", "th", name_keys), _name(p, "tambon", "en", name_keys)
        amphoe, how = _match(a_th, a_en, d_th, d_en)
        code, why = amphoe, None
        if amphoe is None:
            why = ("ไม่พบอำเภอนี้ในจังหวัด", "no such district in the province")
        elif level == "tambon":
            own = tambons[tambons["amphoe_code"] == amphoe]
            t_idx_th, t_idx_en = _index(own, "tambon_code", "tambon_th", "tambon_en")
            code, t_how = _match(t_th, t_en, t_idx_th, t_idx_en)
            how = max(how, t_how, key=list(HOW).index) if t_how else None
            if code is None:
                why = ("ไม่พบตำบลนี้ในอำเภอ", "no such sub-district in the district")
        rows.append(
            {
                "feature": i,
                "amphoe_name": None if a_th is None else str(a_th),
                "tambon_name": None if t_th is None else str(t_th),
                "amphoe_code": amphoe,
                "unit_code": code,
                "how": how if code is not None else None,
            }
        )
        if why:
            unmatched.append(
                {
                    "feature": i,
                    "amphoe_name": rows[-1]["amphoe_name"] or a_en,
                    "tambon_name": rows[-1]["tambon_name"] or t_en,
                    "reason_th": why[0],
                    "reason_en": why[1],
                }
            )
    matched = pd.DataFrame(
        rows, columns=["feature", "amphoe_name", "tambon_name", "amphoe_code", "unit_code", "how"]
    ).astype({"amphoe_code": "str", "unit_code": "str", "how": "str"})
    twice = matched["unit_code"].notna() & matched["unit_code"].duplicated(keep="first")
    for i in matched.index[twice]:
        unmatched.append(
            {
                "feature": int(matched.at[i, "feature"]),
                "amphoe_name": matched.at[i, "amphoe_name"],
                "tambon_name": matched.at[i, "tambon_name"],
                "reason_th": f"ซ้ำกับรูปอื่นของพื้นที่ {matched.at[i, 'unit_code']}",
                "reason_en": f"a second shape for unit {matched.at[i, 'unit_code']}",
            }
        )
        matched.at[i, "unit_code"] = pd.NA
        matched.at[i, "how"] = pd.NA
    matched["matched"] = matched["unit_code"].notna()
    unmatched_frame = pd.DataFrame(
        unmatched, columns=["feature", "amphoe_name", "tambon_name", "reason_th", "reason_en"]
    ).sort_values("feature", ignore_index=True)
    hdx = any(k.startswith("ADM") for p in props for k in p)
    credit = f"{Path(where).name}" + (f" — {HDX_CREDIT}" if hdx else "")
    return BoundaryJoin(level, features, matched, unmatched_frame, where, credit)


def _rings(geometry: dict | None) -> list[list[list[float]]]:
    """The outer rings of a Polygon or MultiPolygon (holes are not drawn)."""
    if not geometry:
        return []
    if geometry.get("type") == "Polygon":
        return [geometry["coordinates"][0]] if geometry["coordinates"] else []
    if geometry.get("type") == "MultiPolygon":
        return [poly[0] for poly in geometry["coordinates"] if poly]
    return []


def _shown(values: np.ndarray, measure: str, lang: str) -> list[str]:
    nodata = label("ไม่มีข้อมูล", "no data", lang)
    if measure.endswith("_satang"):
        return [nodata if np.isnan(v) else format_baht(v, lang) for v in values]
    if "share" in measure or measure == "coverage":
        return [nodata if np.isnan(v) else format_percent(v, 1) for v in values]
    return [nodata if np.isnan(v) else f"{v:,.2f}" for v in values]


def _tickformat(measure: str) -> str:
    """Colour-bar ticks: shares as percentages, money (in baht) with separators."""
    if "share" in measure or measure == "coverage":
        return ".0%"
    return ",.0f" if measure.endswith("_satang") else ""


def choropleth(
    frame: pd.DataFrame,
    join: BoundaryJoin,
    measure: str,
    *,
    code_column: str = "unit_code",
    amphoe: str | None = None,
    colorscale: str = "Viridis",
    lang: str = "th",
    title: str | None = None,
) -> go.Figure:
    """A map of `measure` per unit of `frame` (a roll-up at the boundary file's level) on the
    joined boundaries, drawn as filled shapes; units without a value are grey and say so.
    `amphoe` keeps only that district's shapes. Money measures are shown in baht."""
    values = frame.drop_duplicates(code_column).set_index(code_column)[measure]
    numeric = pd.to_numeric(values, errors="coerce").astype(float)
    names = frame.drop_duplicates(code_column).set_index(code_column)
    name_col = "name_en" if lang == "en" and "name_en" in names else "name_th"
    keep = [
        (f, code)
        for f, code in zip(join.features, join.codes(), strict=True)
        if code is not None and (amphoe is None or code.startswith(amphoe))
    ]
    scaled = numeric / 100 if measure.endswith("_satang") else numeric
    finite = scaled[np.isfinite(scaled)]
    low, high = (float(finite.min()), float(finite.max())) if len(finite) else (0.0, 1.0)
    span = high - low or 1.0
    fig = go.Figure()
    lat_sum, lat_n = 0.0, 0
    labels_x, labels_y, labels_text = [], [], []
    for feature, code in keep:
        value = float(scaled.get(code, np.nan))
        text = _shown(np.array([float(numeric.get(code, np.nan))]), measure, lang)[0]
        colour = (
            NO_DATA_COLOUR
            if np.isnan(value)
            else sample_colorscale(colorscale, [(value - low) / span])[0]
        )
        name = names[name_col].get(code) if name_col in names else None
        name = str(name) if name is not None and not pd.isna(name) else code
        for ring in _rings(feature.get("geometry")):
            xs = [pt[0] for pt in ring]
            ys = [pt[1] for pt in ring]
            lat_sum += sum(ys)
            lat_n += len(ys)
            fig.add_scatter(
                x=xs,
                y=ys,
                fill="toself",
                fillcolor=colour,
                mode="lines",
                line={"color": "#FFFFFF", "width": 1},
                hoveron="fills",
                name=f"{name}: {text}",
                text=f"{name}: {text}",
                hoverinfo="text",
                showlegend=False,
            )
        rings = _rings(feature.get("geometry"))
        if rings:
            biggest = max(rings, key=len)
            labels_x.append(float(np.mean([pt[0] for pt in biggest])))
            labels_y.append(float(np.mean([pt[1] for pt in biggest])))
            labels_text.append(name)
    if len(keep) <= 30:
        fig.add_scatter(
            x=labels_x,
            y=labels_y,
            mode="text",
            text=labels_text,
            textfont={"size": 11},
            hoverinfo="skip",
            showlegend=False,
        )
    measure_name = label(*potential.column_labels().get(measure, (measure, measure)), lang)
    fig.add_scatter(
        x=[None],
        y=[None],
        mode="markers",
        marker={
            "colorscale": colorscale,
            "cmin": low,
            "cmax": high,
            "color": [low],
            "showscale": True,
            "colorbar": {"title": {"text": measure_name}, "tickformat": _tickformat(measure)},
        },
        hoverinfo="skip",
        showlegend=False,
    )
    mid_lat = lat_sum / lat_n if lat_n else 8.4
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, scaleanchor="x", scaleratio=1 / math.cos(math.radians(mid_lat)))
    fig.update_layout(
        height=600,
        annotations=[
            {
                "text": label("ขอบเขต: ", "boundaries: ", lang) + join.credit,
                "xref": "paper",
                "yref": "paper",
                "x": 0,
                "y": -0.02,
                "showarrow": False,
                "font": {"size": 11, "color": "#555555"},
                "xanchor": "left",
                "yanchor": "top",
            }
        ],
    )
    default = label("แผนที่ศักยภาพ", "Potential map", lang) + f": {measure_name}"
    return apply_style(fig, title if title is not None else default)


def potential_map(
    rollups: pd.DataFrame,
    measure: str = "coverage",
    *,
    boundaries: str | os.PathLike[str] | BoundaryJoin | None = None,
    amphoe: str | None = None,
    lang: str = "th",
    title: str | None = None,
) -> tuple[go.Figure, pd.DataFrame]:
    """The potential map of `measure`: a choropleth on the boundary file when one is given
    (joined at its own level, district or sub-district), else a treemap of the hierarchy.

    `rollups` is `potential.rollup(dataset, level="all")` (or the rows of one district).
    Returns the figure and the names that did not match (empty without a boundary file):
    boundary shapes that match no unit, and units of the data with no shape.
    """
    if boundaries is None or boundaries == "":
        rows = rollups if amphoe is None else rollups[rollups["unit_code"].str.startswith(amphoe)]
        name = label(*potential.column_labels().get(measure, (measure, measure)), lang)
        default = label("แผนภาพศักยภาพ", "Potential", lang) + f": {name}"
        fig = hierarchy_view(rows, measure, chart="treemap", lang=lang, title=title or default)
        return fig, pd.DataFrame(columns=["name", "reason_th", "reason_en"])
    if isinstance(boundaries, BoundaryJoin):
        join = boundaries
    else:  # joined to the hierarchy of the province the roll-ups are of
        codes = rollups["unit_code"].dropna().astype("str")
        codes = codes[codes.str.len() >= 4].str.slice(0, 4)
        province = hierarchy.province_of(pd.DataFrame({"amphoe_code": codes}))
        join = join_boundaries(boundaries, province_code=province)
    rows = rollups[rollups["level"] == join.level]
    if amphoe is not None:
        rows = rows[rows["unit_code"].str.startswith(amphoe)]
    fig = choropleth(rows, join, measure, amphoe=amphoe, lang=lang, title=title)
    return fig, unmatched_names(join, rows, amphoe=amphoe)


def unmatched_names(
    join: BoundaryJoin, rows: pd.DataFrame, *, amphoe: str | None = None
) -> pd.DataFrame:
    """The names a map could not place: shapes that match no unit (within `amphoe` when
    given, by the district name) and units of `rows` that have no shape."""
    shapes = join.unmatched
    if amphoe is not None and len(shapes):
        feats = join.matched.set_index("feature")["amphoe_code"]
        shapes = shapes[shapes["feature"].map(feats) == amphoe]
    out = [
        {
            "name": " / ".join(str(n) for n in (r.amphoe_name, r.tambon_name) if n),
            "reason_th": r.reason_th,
            "reason_en": r.reason_en,
        }
        for r in shapes.itertuples()
    ]
    names = rows.drop_duplicates("unit_code").set_index("unit_code")["name_th"]
    for code in join.missing_units(rows["unit_code"]):
        out.append(
            {
                "name": f"{names.get(code, code)} ({code})",
                "reason_th": "ไม่มีรูปขอบเขตในไฟล์",
                "reason_en": "no shape in the boundary file",
            }
        )
    return pd.DataFrame(out, columns=["name", "reason_th", "reason_en"])
