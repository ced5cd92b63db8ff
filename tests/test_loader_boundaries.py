"""Ward boundaries (loaders/boundaries.py). Supplied as GeoJSON: loaded with their neighbourhood,
drawn without tiles. Ward boundary files as councils publish them: the ward's code and name under the common
property names, coordinates in longitude/latitude or reprojected from British National Grid (or
the system a `crs` member declares), invalid outlines repaired keeping every part, and files
nested too deeply or holding too many vertices refused by name before they are parsed."""
import json
import shutil
from pathlib import Path

import pytest

from conftest import LOOKUPS, SAMPLE, real_file
from loaders import LoadContext
from loaders.errors import InputError
from loaders.boundaries import load_path

LEWISHAM = "lewisham-open-data/lbl_wd22.geojson"
TRAFFORD = "trafford-data-lab/ward_boundaries/trafford_ward_2022_full_resolution.geojson"
NO_PROFILE = LoadContext(lookups_dir=LOOKUPS)
FIXTURE = Path(__file__).parent / "fixtures" / "wards_illustrative.geojson"


def wards(result) -> dict:
    f = result.frame.drop_duplicates("ward_code")
    return dict(zip(f["ward_code"], f["ward_name"]))


def shapes(frame) -> dict:
    """Ward code -> the shapely outline drawn from the stored rings (what the map draws)."""
    from shapely.geometry import MultiPolygon, Polygon

    out = {}
    for code, ward in frame.groupby("ward_code"):
        polygons = [Polygon(list(zip(ring["lon"], ring["lat"]))) for (_p, r), ring in ward.groupby(["polygon", "ring"])
                    if r == 0]
        out[code] = MultiPolygon(polygons) if len(polygons) > 1 else polygons[0]
    return out


def to_bng(data: dict) -> dict:
    """A copy of a WGS84 FeatureCollection in British National Grid metres, as pyproj makes it."""
    from pyproj import Transformer

    t = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
    out = json.loads(json.dumps(data))
    for f in out["features"]:
        g = f["geometry"]
        polygons = [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]
        for polygon in polygons:
            for k, ring in enumerate(polygon):
                xs, ys = t.transform([p[0] for p in ring], [p[1] for p in ring])
                polygon[k] = [[round(x, 3), round(y, 3)] for x, y in zip(xs, ys)]  # millimetres, as published
    return out


def square(lon, lat, side=0.01):
    return [[lon, lat], [lon + side, lat], [lon + side, lat + side], [lon, lat + side], [lon, lat]]


def collection(features, **extra) -> str:
    return json.dumps({"type": "FeatureCollection", **extra, "features": features})


def feature(props, ring, **extra):
    return {"type": "Feature", **extra, "properties": props, "geometry": {"type": "Polygon", "coordinates": [ring]}}


def test_lewishams_real_ward_file_loads_its_19_wards(ctx):
    result = load_path(real_file(LEWISHAM), ctx)
    got = wards(result)
    assert len(got) == 19 and got["E05013714"] == "Bellingham" and got["E05013717"] == "Catford South"
    assert not any("reprojected" in w or "repaired" in w for w in result.warnings)


def test_traffords_real_ward_file_loads_its_21_wards_by_area_code_and_area_name():
    result = load_path(real_file(TRAFFORD), NO_PROFILE)
    got = wards(result)
    assert len(got) == 21 and got["E05000819"] == "Altrincham" and got["E05000820"] == "Ashton upon Mersey"
    assert result.rows_read == 21 and not any("reprojected" in w for w in result.warnings)  # CRS84: lon/lat


@pytest.mark.parametrize("props,extra", [
    ({"WD22CD": "E05013714", "WD22NM": "Bellingham", "BNG_E": 537000, "OBJECTID": 1}, {}),  # ONS Open Geography
    ({"WD23CD": "E05013714", "WD23NM": "Bellingham"}, {}),
    ({"wd24cd": "E05013714", "wd24nm": "Bellingham", "lad24cd": "E09000023"}, {}),
    ({"area_code": "E05013714", "area_name": "Bellingham"}, {}),  # Trafford Data Lab
    ({"code": "E05013714", "name": "Bellingham"}, {}),
    ({"id": "E05013714", "name": "Bellingham"}, {}),  # Lewisham's open data
    ({"OBJECTID": 7, "Name": "Bellingham"}, {"id": "E05013714"}),  # the Feature's own id
    ({"id": 3, "ward_code": "E05013714", "ward_name": "Bellingham"}, {}),  # a row number under id is no code
])
def test_the_ward_code_and_name_are_read_under_the_common_property_names(tmp_path, ctx, props, extra):
    path = tmp_path / "wards.geojson"
    path.write_text(collection([feature(props, square(-0.02, 51.43), **extra)]))
    result = load_path(path, ctx)
    assert wards(result) == {"E05013714": "Bellingham"}
    assert result.frame["neighbourhood_code"].iloc[0] == "N3"  # Bellingham's, from the profile's wards.csv


def test_a_british_national_grid_copy_draws_the_same_wards(tmp_path, ctx):
    original = real_file(LEWISHAM)
    path = tmp_path / "wards_bng.geojson"
    path.write_text(json.dumps(to_bng(json.loads(original.read_text()))))
    bng, wgs = load_path(path, ctx), load_path(original, ctx)
    assert any("British National Grid metres (EPSG:27700" in w and "reprojected" in w for w in bng.warnings)
    assert wards(bng) == wards(wgs)
    a, b = shapes(bng.frame), shapes(wgs.frame)
    assert all(abs(a[c].area - b[c].area) / b[c].area < 1e-3 and a[c].symmetric_difference(b[c]).area / b[c].area < 0.01
               for c in b)  # the same outlines, in degrees, to within the simplification
    for column in ("lon", "lat"):  # the borough's extent, -0.075 to 0.04 E and 51.41 to 51.49 N, to 1 m
        assert bng.frame[column].min() == pytest.approx(wgs.frame[column].min(), abs=1e-5)
        assert bng.frame[column].max() == pytest.approx(wgs.frame[column].max(), abs=1e-5)


def test_a_declared_crs_member_is_reprojected_and_named(tmp_path, ctx):
    data = to_bng(json.loads(real_file(LEWISHAM).read_text()))
    data["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::27700"}}
    path = tmp_path / "wards.geojson"
    path.write_text(json.dumps(data))
    result = load_path(path, ctx)
    assert any("in the coordinate system it declares, EPSG:27700" in w for w in result.warnings)
    assert len(wards(result)) == 19 and result.frame["lat"].between(51.40, 51.50).all()


@pytest.mark.parametrize("crs,coords,said", [
    (None, 5_000_000, "outside longitude/latitude and outside British National Grid metres, and it declares no "
                      "coordinate system"),
    ({"type": "name", "properties": {"name": "EPSG:999999"}}, 530_000, "coordinate system 'EPSG:999999' is not one "
                                                                       "that can be reprojected"),
])
def test_coordinates_that_are_no_known_system_are_refused_naming_it(tmp_path, ctx, crs, coords, said):
    path = tmp_path / "wards.geojson"
    extra = {"crs": crs} if crs else {}
    path.write_text(collection([feature({"id": "E05013714", "name": "Bellingham"},
                                        square(coords, coords, 1000))], **extra))
    with pytest.raises(InputError) as e:
        load_path(path, ctx)
    assert said in str(e.value) and str(e.value).startswith("wards.geojson")


def test_a_self_intersecting_ward_keeps_both_lobes(tmp_path, ctx):
    """A bow-tie ring, (0,0) (2,2) (2,0) (0,2) scaled to 0.01 degrees: two triangles of area 1 each
    (0.0001 square degrees); buffer(0) kept one of them."""
    s, lon, lat = 0.01, -0.02, 51.43
    bowtie = [[lon, lat], [lon + 2 * s, lat + 2 * s], [lon + 2 * s, lat], [lon, lat + 2 * s], [lon, lat]]
    path = tmp_path / "wards.geojson"
    path.write_text(collection([feature({"id": "E05013714", "name": "Bellingham"}, bowtie),
                                feature({"id": "E05013716", "name": "Brockley"}, square(-0.05, 51.46))]))
    result = load_path(path, ctx)
    drawn = shapes(result.frame)
    assert drawn["E05013714"].area == pytest.approx(2 * s * s, rel=1e-9)  # both lobes: 2 x (1/2 x 0.02 x 0.01)
    assert drawn["E05013716"].area == pytest.approx(s * s, rel=1e-9)
    assert any("1 ward(s) had an invalid outline" in w and "repaired keeping every part: Bellingham" in w
               for w in result.warnings)


def test_json_nested_100000_deep_is_refused_by_name(tmp_path, ctx):
    path = tmp_path / "deep.geojson"
    path.write_text('{"type": "FeatureCollection", "features": ' + "[" * 100_000 + "]" * 100_000 + "}")
    with pytest.raises(InputError) as e:
        load_path(path, ctx)
    assert str(e.value) == ("deep.geojson: the JSON is nested more than 64 levels deep, over the limit of 64 levels "
                            "(expected a file within the limit, or MPS_MAX_JSON_DEPTH set higher for this run)")


def test_the_vertex_limit_counts_coordinate_pairs_not_brackets_in_text(tmp_path, ctx, monkeypatch):
    monkeypatch.setenv("MPS_MAX_VERTICES", "400")
    with pytest.raises(InputError) as e:
        load_path(real_file(LEWISHAM), ctx)  # 401 coordinate pairs
    assert "more than 400 coordinate pairs, over the limit of 400 vertices" in str(e.value)
    assert "MPS_MAX_VERTICES" in str(e.value)
    monkeypatch.setenv("MPS_MAX_VERTICES", "5")
    path = tmp_path / "wards.geojson"  # 5 pairs; the name's brackets and escaped quote are text
    name = 'Bell"ingham \\" [[[[1,2]]]] {{'  # written as Bell\"ingham \\\" [[[[1,2]]]] {{
    path.write_text(collection([feature({"id": "E05013714", "name": name}, square(-0.02, 51.43))]))
    assert wards(load_path(path, ctx)) == {"E05013714": name}


def test_care_homes_are_placed_in_wards_drawn_from_british_national_grid(tmp_path):
    """The sample with Lewisham's real wards converted to BNG: every location placed by its
    coordinates lands in the ward the WGS84 file puts it in, and as many are placed (67)."""
    import shapely

    from loaders.store import ingest
    from metrics.places.areas import PLACED_BY_COORDINATES, place_locations
    from store import Store

    original = json.loads(real_file(LEWISHAM).read_text())
    src = tmp_path / "src"
    shutil.copytree(SAMPLE, src)
    (src / "wards.geojson").write_text(json.dumps(to_bng(original)))
    report = ingest(src, tmp_path / "store")
    assert report.ok, [f.error for f in report.files if f.error]
    placed = place_locations(Store(tmp_path / "store"))
    by_coordinates = placed[placed["placed_by"] == PLACED_BY_COORDINATES]
    assert len(by_coordinates) == 67
    home = by_coordinates.set_index("location_name").loc["Meadowbank House"]
    assert home["ward_code"] == "E05013717"  # Catford South
    truth = {f["properties"]["id"]: shapely.geometry.shape(f["geometry"]) for f in original["features"]}
    for row in by_coordinates.itertuples():
        point = shapely.Point(row.longitude, row.latitude)
        assert truth[row.ward_code].contains(point), row.location_name


# --------------------------------------------------------------------------- the illustrative ward file

def test_wards_get_their_neighbourhood_and_unknown_wards_are_reported(ctx):
    result = load_path(FIXTURE, ctx)
    f = result.frame
    hoods = f.drop_duplicates("ward_name").set_index("ward_name")["neighbourhood_code"]
    assert hoods["Brockley"] == "N1" and hoods["Lee Green"] == "N2" and hoods["Downham"] == "N3"
    assert hoods["Sydenham"] == "N4" and "Nowhere Ward" not in hoods  # not the authority's: kept out
    assert any("Nowhere Ward" in w and "kept out" in w for w in result.warnings)
    assert result.rows_read == 5


@pytest.mark.parametrize("content,expected", [
    ("not json", "not valid GeoJSON"),
    ('{"type": "Feature"}', "FeatureCollection"),
    ('{"type": "FeatureCollection", "features": [{"properties": {}, "geometry": {"type": "Polygon", "coordinates": []}}]}',
     "no ward name"),
    ('{"type": "FeatureCollection", "features": [{"properties": {"name": "Brockley"}, '
     '"geometry": {"type": "Point", "coordinates": [0, 0]}}]}',
     "Point geometry"),
])
def test_bad_geojson_is_named(tmp_path, ctx, content, expected):
    path = tmp_path / "wards.geojson"
    path.write_text(content)
    with pytest.raises(InputError) as e:
        load_path(path, ctx)
    assert expected in str(e.value) and "wards.geojson" in str(e.value)


def test_ingested_boundaries_draw_the_ward_map(tmp_path):
    from app import create_app
    from loaders.store import ingest
    from benchmarks.bench_callbacks import payload
    src = tmp_path / "src"
    shutil.copytree(SAMPLE, src)
    shutil.copy(FIXTURE, src / "wards.geojson")
    report = ingest(src, tmp_path / "store")
    assert report.ok, [f.error for f in report.files if f.error]
    client = create_app(tmp_path / "store").server.test_client()
    client.get("/")
    deps = client.get("/_dash-dependencies").get_json()
    cb = next(d for d in deps if "neighbourhood-map-graph" in d["output"])
    body = client.post("/_dash-update-component",
                       json=payload(cb, ["dementia", "demand", "neighbourhood", None])).get_json()
    figure = body["response"]["neighbourhood-map-graph"]["figure"]
    assert "by neighbourhood" in figure["layout"]["title"]["text"]
    fills = [t for t in figure["data"] if t.get("fill") == "toself"]
    assert fills  # Nowhere Ward is not one of the profile's wards: kept out of the map and named at ingest
    assert any("Nowhere Ward" in w for f in report.files for w in f.warnings)
    assert sorted(c[0] for c in figure["data"][-1]["customdata"]) == ["N1", "N2", "N3", "N4"]
    assert "mapbox" not in json.dumps(figure["layout"]) and "tiles" not in json.dumps(figure["layout"])
