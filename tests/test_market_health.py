"""Market health beyond its metrics: a segment override without a reason refused at ingest, and the
page's downloads are what the page shows. The metrics (editions, changes between them, HHI,
quality, segment ratings, workforce, prices) are pinned in tests/test_metrics_supply.py."""
import shutil

import pandas as pd
import pytest

from conftest import SAMPLE
from loaders.store import load_folder
from store import Store

JUNE = "01_June_2017_HSCA_Active_Locations.xlsx"
DECEMBER = "01_December_2016_HSCA_Active_Locations.xlsx"


@pytest.fixture(scope="module")
def store(sample_store):
    return Store(sample_store)


def test_a_segment_override_without_a_reason_is_refused_at_ingest(tmp_path):
    from loaders.errors import InputError
    (tmp_path / "mps.toml").write_text('area_code = "E09000023"\n[segment_overrides.home_care]\n'
                                       'direction = "grow"\n', encoding="utf-8")
    shutil.copy(SAMPLE / JUNE, tmp_path / JUNE)
    with pytest.raises(InputError) as err:
        load_folder(tmp_path)
    assert err.value.message.startswith("mps.toml, column 'segment_overrides.home_care': the override gives no reason")


def _download(client, chart: str, selection: dict) -> pd.DataFrame:
    import base64
    import io
    deps = client.get("/_dash-dependencies").get_json()
    cb = next(d for d in deps if d["output"] == f"{chart}-download.data")
    body = {"output": cb["output"], "outputs": {"id": f"{chart}-download", "property": "data"},
            "inputs": [{"id": f"{chart}-download-button", "property": "n_clicks", "value": 1}],
            "state": [{"id": s["id"], "property": s["property"], "value": selection.get(s["id"], s["id"])}
                      for s in cb["state"]],
            "changedPropIds": [f"{chart}-download-button.n_clicks"]}
    r = client.post("/_dash-update-component", json=body)
    assert r.status_code == 200, r.data[:300]
    sent = r.get_json()["response"][f"{chart}-download"]["data"]
    content = base64.b64decode(sent["content"]) if sent.get("base64") else sent["content"].encode()
    return pd.read_csv(io.BytesIO(content))


def test_market_health_downloads_are_what_the_page_shows(sample_store):
    from app import create_app
    from layouts import ids
    client = create_app(sample_store).server.test_client()
    ratings = _download(client, ids.MH_RATINGS_CHART, {})
    assert len(ratings) == 8 and ratings["supply_reason"].str.contains("Rule: ").all()
    nursing = _download(client, ids.MH_CHANGES_CHART, {ids.MH_SEGMENT: "nursing_65", ids.MH_FROM: "2016-12-01"})
    assert sorted(nursing["location_name"]) == ["Larchfield View", "Meadowbank House", "Sydenham Park Nursing Home"]
