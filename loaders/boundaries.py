"""Ward boundaries supplied by the authority as GeoJSON (e.g. its own open-data ward file, or the
ONS Open Geography portal's). Rings are kept as rows of longitude/latitude so the Neighbourhoods
map can draw wards locally, with no map tiles and no network.

Read as councils publish them: the ward's GSS code and name under any of the common property
names (ONS Open Geography's `WD22CD`/`WD22NM`, `wd24cd`/`wd24nm`..., `area_code`/`area_name`,
`ward_code`/`ward_name`, `code`/`name`, `id`, in any case), and coordinates in WGS84 / CRS84
longitude and latitude, or in another coordinate system that the file's `crs` member declares
(e.g. British National Grid, EPSG:27700) or, undeclared, that its coordinates show (metres within
the British National Grid's extent): those are reprojected with pyproj and the summary says so.
Anything else is refused naming the coordinate system, never drawn off the map. A ward whose
geometry is invalid (a self-intersecting ring) is repaired with shapely's `make_valid`, which
keeps every lobe, and named in a warning. The file's nesting and vertex count are checked before
it is parsed (`loaders.limits`: MPS_MAX_JSON_DEPTH, MPS_MAX_VERTICES).

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

import numpy as np
import pandas as pd

from domain.contract import store_table

from . import limits
from .errors import InputError
from .reading import _over, read_input
from .sheets import LoadResult

KIND = "ward_boundaries"
TABLE = "boundaries"
DESCRIPTION = "Ward boundaries (GeoJSON FeatureCollection of polygons)"
SUFFIXES = {".geojson", ".json"}
# Property names (compared without regard to case), most specific first; ONS Open Geography's
# WDyyCD/WDyyNM of any year are matched by pattern (WD_CODE, WD_NAME).
NAME_KEYS = ["ward_name", "area_name", "wardname", "ward", "name", "nm"]
CODE_KEYS = ["ward_code", "area_code", "gss_code", "wardcode", "code", "id", "cd"]
WD_CODE, WD_NAME = re.compile(r"^wd\d{2}cd$"), re.compile(r"^wd\d{2}nm$")
GSS = re.compile(r"^[EWSN]\d{8}$")
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


def check_json(path: Path, raw: bytes) -> None:
    """Refuse JSON nested deeper than `limits.JSON_DEPTH` or holding more coordinate pairs than
    `limits.JSON_VERTICES`, from one pass over the bytes in 8 MB chunks (numpy, no parse): Python's
    parser would raise RecursionError on a file nested 100,000 deep, and build tens of gigabytes of
    lists from 43 million vertices. Whitespace is dropped first (it cannot change the structure),
    quotes preceded by a backslash are not string ends, and brackets inside strings do not count;
    a vertex is an array that opens on a number, `[x, y]`."""
    depth = deepest = vertices = 0
    in_string, pending = False, b""
    chunk = 1 << 23
    for start in range(0, len(raw), chunk):
        data = (pending + raw[start:start + chunk]).translate(None, b" \t\r\n")
        cut = len(data.rstrip(b"\\"))  # an escape cut at the chunk's end waits
        data, pending = data[:cut], data[cut:]
        if not data:
            continue
        data = data.replace(b"\\\\", b"__").replace(b'\\"', b"__")
        a = np.frombuffer(data, dtype=np.uint8)
        quotes = np.flatnonzero(a == ord('"'))
        brackets = np.flatnonzero((a == ord("[")) | (a == ord("{")) | (a == ord("]")) | (a == ord("}")))
        if len(quotes):  # a bracket after an odd number of quotes (this chunk's and before) is text
            brackets = brackets[(np.searchsorted(quotes, brackets) + in_string) % 2 == 0]
            in_string = bool((len(quotes) + in_string) % 2)
        elif in_string:
            continue
        if not len(brackets):
            continue
        kind = a[brackets]
        opening = (kind == ord("[")) | (kind == ord("{"))
        level = depth + np.cumsum(np.where(opening, 1, -1), dtype=np.int64)
        deepest = max(deepest, int(level.max()))
        depth = int(level[-1])
        if deepest > limits.JSON_DEPTH.value:
            raise _over(path, f"the JSON is nested more than {limits.JSON_DEPTH.value:,} levels deep", limits.JSON_DEPTH)
        arrays = brackets[kind == ord("[")]
        following = a[np.minimum(arrays + 1, len(a) - 1)]
        vertices += int(np.count_nonzero(((following >= ord("0")) & (following <= ord("9"))) | (following == ord("-"))))
        if vertices > limits.JSON_VERTICES.value:
            raise _over(path, f"the file holds more than {limits.JSON_VERTICES.value:,} coordinate pairs",
                        limits.JSON_VERTICES)


def _features(path: Path, raw: bytes | None = None) -> tuple[list[dict], dict]:
    raw = read_input(path) if raw is None else raw
    check_json(path, raw)
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(path, f"this is not valid GeoJSON ({exc})", expected="a GeoJSON FeatureCollection") from None
    except RecursionError:  # nested within the depth limit but deeper than the parser's stack
        raise InputError(path, "the JSON is nested too deeply to be read",
                         expected=f"a GeoJSON FeatureCollection, or {limits.JSON_DEPTH.env} set lower") from None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise InputError(path, "this JSON is not a GeoJSON FeatureCollection",
                         expected='{"type": "FeatureCollection", "features": [...]}')
    features = data.get("features") or []
    if not isinstance(features, list) or not features:
        raise InputError(path, "the FeatureCollection has no features", expected="one polygon feature per ward")
    return features, data


def _ward_keys(props: dict, feature: dict) -> tuple[str | None, str | None]:
    """The ward's (code, name) from its properties under any of the common names: a code that
    looks like a GSS code (E05...) wins over one that does not (a row number under `id`)."""
    lower = {str(k).lower(): v for k, v in props.items() if v not in (None, "")}
    codes = [lower[k] for k in sorted(lower, reverse=True) if WD_CODE.match(k)]  # the latest year first
    codes += [lower[k] for k in CODE_KEYS if k in lower]
    if feature.get("id") not in (None, ""):
        codes.append(feature["id"])
    names = [lower[k] for k in sorted(lower, reverse=True) if WD_NAME.match(k)]
    names += [lower[k] for k in NAME_KEYS if k in lower]
    code = next((c for c in codes if GSS.match(str(c).strip())), codes[0] if codes else None)
    name = names[0] if names else None
    return (str(code).strip() if code is not None else None), (str(name).strip() if name is not None else None)


def _polygons(path: Path, i: int, name: str, geometry: dict) -> list[list[list[tuple[float, float]]]]:
    """The feature's (Multi)Polygon as lists of rings of (x, y) pairs, or a located InputError."""
    kind = geometry.get("type")
    if kind == "Polygon":
        polygons = [geometry.get("coordinates") or []]
    elif kind == "MultiPolygon":
        polygons = geometry.get("coordinates") or []
    else:
        raise InputError(path, f"feature {i} ({name}) has a {kind or 'missing'} geometry", row=i,
                         column="geometry", expected="Polygon or MultiPolygon")
    out = []
    try:
        for polygon in polygons:
            rings = [[(float(p[0]), float(p[1])) for p in ring] for ring in polygon]
            if rings and len(rings[0]) >= 3:
                out.append(rings)
    except (TypeError, ValueError, IndexError, KeyError):
        raise InputError(path, f"feature {i} ({name}) has a coordinate that is not a number pair",
                         row=i, column="geometry", expected="[longitude, latitude]") from None
    if not out:
        raise InputError(path, f"feature {i} ({name}) has no polygon with three or more points", row=i,
                         column="geometry", expected="Polygon or MultiPolygon coordinates")
    if not all(np.isfinite(c).all() for rings in out for ring in rings for c in ring):
        raise InputError(path, f"feature {i} ({name}) has a coordinate that is not a finite number", row=i,
                         column="geometry", expected="[longitude, latitude]")
    return out


def _shape(polygons):
    """A shapely (Multi)Polygon of rings, repaired when invalid (and whether it was): make_valid
    keeps every part of a self-intersecting ring (a bow-tie's two lobes), where buffer(0) keeps
    one; lines and points it may leave beside the polygons are dropped."""
    import shapely
    from shapely.geometry import MultiPolygon, Polygon

    parts = [Polygon(rings[0], rings[1:]) for rings in polygons]
    shape = MultiPolygon(parts) if len(parts) > 1 else parts[0]
    if shape.is_valid:
        return shape, False
    repaired = shapely.make_valid(shape)
    pieces = [g for g in getattr(repaired, "geoms", [repaired]) for g in getattr(g, "geoms", [g])
              if g.geom_type == "Polygon" and not g.is_empty]
    return (MultiPolygon(pieces) if len(pieces) > 1 else pieces[0] if pieces else shape), True


# Declared names of longitude/latitude coordinate systems (axis order longitude, latitude in GeoJSON).
LONLAT_NAMES = {"crs84", "ogc:1.3:crs84", "ogc::crs84", "epsg:4326", "epsg::4326", "wgs84", "wgs 84"}
# British National Grid's extent in metres, for a file that declares no coordinate system.
BNG_BOUNDS = (0.0, 0.0, 700_000.0, 1_300_000.0)


def _declared_crs(path: Path, data: dict) -> str | None:
    """The coordinate system the GeoJSON's (2008 specification) `crs` member names, as an
    authority:code string pyproj reads ('EPSG:27700'), None for longitude/latitude or none."""
    crs = data.get("crs")
    if crs is None:
        return None
    name = crs.get("properties", {}).get("name") if isinstance(crs, dict) and isinstance(crs.get("properties"), dict) else None
    if not isinstance(name, str) or not name.strip():
        raise InputError(path, f"its 'crs' member names no coordinate system ({json.dumps(crs)[:80]})",
                         expected='"crs": {"type": "name", "properties": {"name": "EPSG:27700"}}, or none for WGS84')
    text = name.strip()
    key = text.lower().replace("urn:ogc:def:crs:", "")
    if key in LONLAT_NAMES:
        return None
    match = re.fullmatch(r"(epsg)(?::[\d.]*)?:(\d+)", key)
    return f"EPSG:{match.group(2)}" if match else text


def _transformer(path: Path, crs: str):
    from pyproj import CRS, Transformer
    from pyproj.exceptions import CRSError

    try:
        source = CRS.from_user_input(crs)
    except CRSError:
        raise InputError(path, f"its coordinate system '{crs}' is not one that can be reprojected",
                         column="crs", expected="WGS84 longitude/latitude, or an EPSG code such as EPSG:27700") from None
    if source.is_geographic and source.equals(CRS.from_epsg(4326), ignore_axis_order=True):
        return None
    return Transformer.from_crs(source, "EPSG:4326", always_xy=True)


def _to_lonlat(path: Path, data: dict, found: list) -> str | None:
    """Every ward's rings in longitude/latitude, reprojected in place from the coordinate system
    the file declares or (undeclared) that its coordinates show; a note saying which, or None when
    they were longitude/latitude already. Coordinates that are neither are refused, named."""
    xy = np.array([c for *_k, polygons in found for rings in polygons for ring in rings for c in ring])
    (minx, miny), (maxx, maxy) = xy.min(axis=0), xy.max(axis=0)
    crs = _declared_crs(path, data)
    lonlat = -180 <= minx and maxx <= 180 and -90 <= miny and maxy <= 90
    if crs is None and lonlat:
        return None
    if crs is None:
        x0, y0, x1, y1 = BNG_BOUNDS
        if not (x0 <= minx and maxx <= x1 and y0 <= miny and maxy <= y1):
            raise InputError(path, f"its coordinates run from ({minx:,.6g}, {miny:,.6g}) to ({maxx:,.6g}, {maxy:,.6g}), "
                             "outside longitude/latitude and outside British National Grid metres, and it declares "
                             "no coordinate system", column="crs",
                             expected='WGS84 longitude/latitude, or a "crs" member naming the system, e.g. EPSG:27700')
        crs, said = "EPSG:27700", "read as British National Grid metres (EPSG:27700: no coordinate system is declared)"
    else:
        said = f"in the coordinate system it declares, {crs}"
    transform = _transformer(path, crs)
    if transform is None:
        return None
    for k, (*_keys, polygons) in enumerate(found):
        found[k][-1] = [[list(zip(*transform.transform(*zip(*ring)))) for ring in rings] for rings in polygons]
    lon_lat = np.array([c for *_k, polygons in found for rings in polygons for ring in rings for c in ring])
    if not np.isfinite(lon_lat).all() or (np.abs(lon_lat[:, 0]) > 180).any() or (np.abs(lon_lat[:, 1]) > 90).any():
        raise InputError(path, f"its coordinates do not reproject from {crs} to longitude/latitude", column="crs",
                         expected="coordinates in the coordinate system the file declares")
    return f"coordinates {said}, reprojected to longitude/latitude"


def _rings(shape, holes: bool = True):
    """(polygon, ring, point, lon, lat) of a (Multi)Polygon's vertices."""
    parts = list(shape.geoms) if hasattr(shape, "geoms") else [shape]
    for p, polygon in enumerate(g for g in parts if not g.is_empty):
        rings = [polygon.exterior] + (list(polygon.interiors) if holes else [])
        for r, ring in enumerate(rings):
            for k, (lon, lat) in enumerate(ring.coords):
                yield p, r, k, lon, lat


def _read_wards(path: Path, features: list, hood_of: dict, lookup: bool) -> tuple[list[list], list[str]]:
    """[code, name, neighbourhood, feature number, polygons] of each feature, and the names of the
    wards the profile's lookup does not know."""
    read, unknown = [], []
    for i, feature in enumerate(features, start=1):
        if not isinstance(feature, dict):
            raise InputError(path, f"feature {i} is not a GeoJSON Feature", row=i, expected="a Feature object")
        props = feature.get("properties") or {}
        code, name = _ward_keys(props if isinstance(props, dict) else {}, feature)
        if not name:
            raise InputError(path, f"feature {i} has no ward name", row=i, column="properties",
                             expected="a property named one of: " + ", ".join(["WD22NM (any year)"] + NAME_KEYS))
        code = code or name
        hood = hood_of.get(_norm(code)) or hood_of.get(_norm(name))
        if hood is None and lookup:  # not one of the authority's wards (kept out, named)
            unknown.append(f"{code} {name}" if str(code) != str(name) else str(name))
            continue
        geometry = feature.get("geometry")
        read.append([code, name, hood, i, _polygons(path, i, name, geometry if isinstance(geometry, dict) else {})])
    return read, unknown


def load_path(path: Path, ctx, raw: bytes | None = None) -> LoadResult:
    """The ward file as boundary rows; ``raw``: its bytes, when the caller has read them already.
    Wards not in the profile's wards.csv are another authority's: kept out and named."""
    import shapely

    features, data = _features(path, raw)
    del raw
    wards = ctx.authority_lookup("wards.csv")
    read, unknown = _read_wards(path, features, _ward_neighbourhoods(wards), wards is not None)
    warnings = []
    if unknown:
        warnings.append(f"{len(unknown)} ward(s) not in the authority's profile wards (wards.csv), kept out of its "
                        "views: " + ", ".join(unknown[:6]) + (f" and {len(unknown) - 6} more" if len(unknown) > 6 else ""))
    if not read:
        return LoadResult(KIND, TABLE, pd.DataFrame(columns=COLUMNS), len(features), warnings, {"wards": 0},
                          extra_tables={"neighbourhood_boundaries": pd.DataFrame(columns=HOOD_COLUMNS)})
    reprojected = _to_lonlat(path, data, read)
    if reprojected:
        warnings.append(reprojected)
    found, repaired = [], []
    for code, name, hood, i, polygons in read:
        try:
            shape, fixed = _shape(polygons)
        except (ValueError, shapely.errors.GEOSException) as exc:
            raise InputError(path, f"feature {i} ({name}) has an outline that cannot be drawn ({exc})", row=i,
                             column="geometry", expected="closed rings of four or more points") from None
        if fixed:
            repaired.append(name)
        found.append((str(code), str(name), hood, i, shape))
    if repaired:
        warnings.append(f"{len(repaired)} ward(s) had an invalid outline (e.g. a ring that crosses itself), repaired "
                        "keeping every part: " + ", ".join(repaired[:6]))
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
                      {"wards": len(found), "vertices_kept": len(frame), "simplify_tolerance_degrees": tolerance,
                       "reprojected": reprojected, "repaired": repaired},
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
