"""Ward boundaries supplied by the authority as GeoJSON (e.g. its own open-data ward file, or the
ONS Open Geography portal's, in WGS84). Rings are kept as rows of coordinates so the
Neighbourhoods map can draw wards locally, with no map tiles and no network.

Geometry is simplified once, here at ingest (never per request), and each neighbourhood's outline
is dissolved from its wards (shapely) into the `neighbourhood_boundaries` table. Wards are matched
to neighbourhoods through the profile's wards.csv by GSS code first and name second; a ward the
lookup does not know is another authority's: it is kept out of the store and named in a warning.
Without a wards lookup every feature is kept (the boundary file then defines the authority's wards).
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
CODE_KEYS = ["ward_code", "WD22CD", "WD23CD", "WD24CD", "WD21CD", "WD19CD", "WD18CD", "code", "GSS_CODE", "id"]
COLUMNS = store_table(TABLE).names
HOOD_COLUMNS = store_table("neighbourhood_boundaries").names
# Simplification tolerance as a share of the larger side of the area's bounding box: 1/2,000 keeps
# a borough's wards to a few metres while dropping most of the vertices of a detailed file.
SIMPLIFY_SHARE = 1 / 2000


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


def _features(path: Path) -> list[dict]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(path, f"this is not valid GeoJSON ({exc})", expected="a GeoJSON FeatureCollection") from None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise InputError(path, "this JSON is not a GeoJSON FeatureCollection",
                         expected='{"type": "FeatureCollection", "features": [...]}')
    features = data.get("features") or []
    if not features:
        raise InputError(path, "the FeatureCollection has no features", expected="one polygon feature per ward")
    return features


def _geometry(path: Path, i: int, name: str, geometry: dict):
    """The feature's (Multi)Polygon as a valid shapely geometry, or a located InputError."""
    from shapely.geometry import MultiPolygon, Polygon

    kind = geometry.get("type")
    if kind == "Polygon":
        polygons = [geometry.get("coordinates") or []]
    elif kind == "MultiPolygon":
        polygons = geometry.get("coordinates") or []
    else:
        raise InputError(path, f"feature {i} ({name}) has a {kind or 'missing'} geometry", row=i,
                         column="geometry", expected="Polygon or MultiPolygon")
    shapes = []
    try:
        for polygon in polygons:
            rings = [[(float(p[0]), float(p[1])) for p in ring] for ring in polygon]
            if rings and len(rings[0]) >= 3:
                shapes.append(Polygon(rings[0], rings[1:]))
    except (TypeError, ValueError, IndexError):
        raise InputError(path, f"feature {i} ({name}) has a coordinate that is not a number pair",
                         row=i, column="geometry", expected="[longitude, latitude]") from None
    if not shapes:
        raise InputError(path, f"feature {i} ({name}) has no polygon with three or more points", row=i,
                         column="geometry", expected="Polygon or MultiPolygon coordinates")
    shape = MultiPolygon(shapes) if len(shapes) > 1 else shapes[0]
    return shape if shape.is_valid else shape.buffer(0)


def _rings(shape, holes: bool = True):
    """(polygon, ring, point, lon, lat) of a (Multi)Polygon's vertices."""
    parts = list(shape.geoms) if hasattr(shape, "geoms") else [shape]
    for p, polygon in enumerate(g for g in parts if not g.is_empty):
        rings = [polygon.exterior] + (list(polygon.interiors) if holes else [])
        for r, ring in enumerate(rings):
            for k, (lon, lat) in enumerate(ring.coords):
                yield p, r, k, lon, lat


def load_path(path: Path, ctx) -> LoadResult:
    import shapely

    features = _features(path)
    wards = ctx.authority_lookup("wards.csv")
    hood_of = _ward_neighbourhoods(wards)
    warnings, unknown, found = [], [], []
    for i, feature in enumerate(features, start=1):
        props = feature.get("properties") or {}
        name = next((props[k] for k in NAME_KEYS if props.get(k)), None)
        if not name:
            raise InputError(path, f"feature {i} has no ward name", row=i, column="properties",
                             expected="a property named one of: " + ", ".join(NAME_KEYS))
        code = next((props[k] for k in CODE_KEYS if props.get(k)), None) or feature.get("id") or name
        hood = hood_of.get(_norm(code)) or hood_of.get(_norm(name))
        if hood is None and wards is not None:  # not one of the authority's wards (issue 23 item 5)
            unknown.append(f"{code} {name}" if str(code) != str(name) else str(name))
            continue
        found.append((str(code), str(name), hood, i, _geometry(path, i, name, feature.get("geometry") or {})))
    if unknown:
        warnings.append(f"{len(unknown)} ward(s) not in the authority's profile wards (wards.csv), kept out of its "
                        "views: " + ", ".join(unknown[:6]) + (f" and {len(unknown) - 6} more" if len(unknown) > 6 else ""))
    if not found:
        return LoadResult(KIND, TABLE, pd.DataFrame(columns=COLUMNS), len(features), warnings, {"wards": 0},
                          extra_tables={"neighbourhood_boundaries": pd.DataFrame(columns=HOOD_COLUMNS)})
    minx, miny, maxx, maxy = shapely.GeometryCollection([f[4] for f in found]).bounds
    tolerance = max(maxx - minx, maxy - miny) * SIMPLIFY_SHARE
    rows = [(code, name, hood, p, r, k, lon, lat, Path(path).name, None, i)
            for code, name, hood, i, shape in found
            for p, r, k, lon, lat in _rings(shape.simplify(tolerance, preserve_topology=True))]
    hoods = _dissolve(found, tolerance, Path(path).name)
    if wards is None:
        warnings.append("no wards lookup in the authority's profile: wards are drawn without neighbourhoods")
    frame = pd.DataFrame(rows, columns=COLUMNS)
    return LoadResult(KIND, TABLE, frame, len(features), warnings,
                      {"wards": len(found), "vertices_kept": len(frame), "simplify_tolerance_degrees": tolerance},
                      extra_tables={"neighbourhood_boundaries": hoods})


def _dissolve(found, tolerance: float, file: str) -> pd.DataFrame:
    """Each neighbourhood's outline: the union of its wards, closed over the hairline gaps that
    separately digitised neighbours leave (a buffer out and back by the tolerance), simplified,
    exterior rings only."""
    import shapely

    by_hood: dict[str, list] = {}
    for _code, _name, hood, _i, shape in found:
        if hood is not None:
            by_hood.setdefault(hood, []).append(shape)
    rows = []
    for hood, shapes in sorted(by_hood.items()):
        union = shapely.unary_union([s.buffer(tolerance) for s in shapes]).buffer(-tolerance)
        parts = list(getattr(union, "geoms", [union]))
        largest = max(g.area for g in parts)
        union = shapely.MultiPolygon([g for g in parts if g.area >= largest / 100])  # drop slivers
        for p, r, k, lon, lat in _rings(union.simplify(tolerance, preserve_topology=True), holes=False):
            rows.append((hood, p, r, k, lon, lat, file, None, None))
    return pd.DataFrame(rows, columns=HOOD_COLUMNS)
