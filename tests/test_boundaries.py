"""Ward boundaries supplied as GeoJSON: loaded with their neighbourhood, drawn without tiles."""
import json
import shutil
from pathlib import Path

import pytest

from conftest import SAMPLE
from loaders.errors import InputError
from loaders.boundaries import load_path

FIXTURE = Path(__file__).parent / "fixtures" / "wards_illustrative.geojson"


def test_wards_get_their_neighbourhood_and_unknown_wards_are_reported(ctx):
    result = load_path(FIXTURE, ctx)
    f = result.frame
    hoods = f.drop_duplicates("ward_name").set_index("ward_name")["neighbourhood_code"]
    assert hoods["Brockley"] == "N1" and hoods["Lee Green"] == "N2" and hoods["Downham"] == "N3"
    assert hoods["Sydenham"] == "N4" and "Nowhere Ward" not in hoods  # not the authority's: kept out (issue 23)
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
