"""Ward boundaries supplied by the user as GeoJSON (e.g. the ONS Open Geography portal's ward
boundaries, exported for the authority). Each polygon ring is kept as rows of coordinates so the
Neighbourhoods map can draw wards locally, with no map tiles and no network.

Wards are matched to neighbourhoods through data/lookups/wards.csv by name; a ward the lookup does
not know is kept (drawn without a neighbourhood) and reported in a warning.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd

from domain.contract import store_table

from .base import InputError, LoadResult

KIND = "ward_boundaries"
TABLE = "boundaries"
DESCRIPTION = "Ward boundaries (GeoJSON FeatureCollection of polygons)"
SUFFIXES = {".geojson", ".json"}
NAME_KEYS = ["ward_name", "WD22NM", "WD23NM", "WD24NM", "WD21NM", "WD19NM", "WD18NM", "name", "NAME", "wardname"]
CODE_KEYS = ["ward_code", "WD22CD", "WD23CD", "WD24CD", "WD21CD", "WD19CD", "WD18CD", "code", "GSS_CODE"]
COLUMNS = store_table(TABLE).names


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", str(name).lower()).strip()


def _ward_neighbourhoods(wards: pd.DataFrame | None) -> dict[str, str]:
    """Normalised ward code and ward name -> neighbourhood code, from the profile's wards lookup:
    by GSS code first (names change spelling between editions), by name second."""
    hood_of: dict[str, str] = {}
    if wards is None:
        return hood_of
    for r in wards.itertuples():
        hood_of[_norm(r.ward_name)] = r.neighbourhood_code
    for r in wards.itertuples():
        if getattr(r, "ward_code", ""):
            hood_of[_norm(r.ward_code)] = r.neighbourhood_code
    return hood_of


def load_path(path: Path, ctx) -> LoadResult:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(path, f"this is not valid GeoJSON ({exc})", expected="a GeoJSON FeatureCollection") from None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise InputError(path, "this JSON is not a GeoJSON FeatureCollection",
                         expected='{"type": "FeatureCollection", "features": [...]}')
    wards = ctx.authority_lookup("wards.csv")
    hood_of = _ward_neighbourhoods(wards)
    rows, warnings, unknown = [], [], []
    features = data.get("features") or []
    if not features:
        raise InputError(path, "the FeatureCollection has no features", expected="one polygon feature per ward")
    for i, feature in enumerate(features, start=1):
        where = dict(file=path, row=i, column="properties")
        props = feature.get("properties") or {}
        name = next((props[k] for k in NAME_KEYS if props.get(k)), None)
        if not name:
            raise InputError(**where, problem=f"feature {i} has no ward name",
                             expected="a property named one of: " + ", ".join(NAME_KEYS))
        code = next((props[k] for k in CODE_KEYS if props.get(k)), name)
        geometry = feature.get("geometry") or {}
        kind = geometry.get("type")
        if kind == "Polygon":
            polygons = [geometry.get("coordinates") or []]
        elif kind == "MultiPolygon":
            polygons = geometry.get("coordinates") or []
        else:
            raise InputError(path, f"feature {i} ({name}) has a {kind or 'missing'} geometry", row=i,
                             column="geometry", expected="Polygon or MultiPolygon")
        hood = hood_of.get(_norm(code)) or hood_of.get(_norm(name))
        if hood is None and wards is not None:
            unknown.append(str(name))
        for p, polygon in enumerate(polygons):
            for r, ring in enumerate(polygon):
                for k, point in enumerate(ring):
                    try:
                        lon, lat = float(point[0]), float(point[1])
                    except (TypeError, ValueError, IndexError):
                        raise InputError(path, f"feature {i} ({name}) has a coordinate that is not a number pair",
                                         row=i, column="geometry", expected="[longitude, latitude]") from None
                    rows.append((str(code), str(name), hood, p, r, k, lon, lat, Path(path).name, None, i))
    if wards is None:
        warnings.append("no wards lookup in the authority's profile: wards are drawn without neighbourhoods")
    if unknown:
        warnings.append(f"{len(unknown)} ward(s) not in the profile's wards.csv, drawn without a neighbourhood: "
                        + ", ".join(unknown[:6]))
    frame = pd.DataFrame(rows, columns=COLUMNS)
    return LoadResult(KIND, TABLE, frame, len(features), warnings, {"wards": len(features)})
