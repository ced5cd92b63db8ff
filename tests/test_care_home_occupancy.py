"""DHSC's monthly care home occupancy (Capacity Tracker) by authority: read, and the beds what-if
starts from the authority's real occupancy and says its month; without it, the assumed 90% and
says so. Numbers by hand from tests/fixtures/occupancy/care-home-occupancy-2025-10.csv."""
import re
from pathlib import Path

import pytest

from conftest import sample_store_with

FIXTURE = Path(__file__).parent / "fixtures" / "occupancy" / "care-home-occupancy-2025-10.csv"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    from store import Store
    return Store(sample_store_with(tmp_path_factory, FIXTURE))


def test_the_what_if_starts_from_the_real_occupancy_and_says_its_month(store):
    from metrics.supply import gaps
    basis = gaps.occupancy_basis(store)
    assert (basis.occupancy, basis.month) == (pytest.approx(0.874), "2025-10-01")  # the latest month, not September
    assert basis.sentence.startswith("87.4% occupancy: the authority's care homes in October 2025")
    position = gaps.beds_position(store).set_index("type")
    assert position.loc["all", "occupied_beds"] == pytest.approx(672 * 0.874)  # 587.3 of the 672 registered
    assert gaps.beds_position(store, 0.9).loc[lambda f: f["type"] == "all", "occupied_beds"].iloc[0] == \
        pytest.approx(604.8)  # the reader's own value still wins


def test_the_page_and_the_findings_say_where_the_occupancy_comes_from(store):
    import json
    from app import create_app
    from sentences.findings import findings
    app = create_app(store.path)
    from layouts.pages import gaps as page
    with app.server.test_request_context("/gaps"):
        text = json.dumps(page.layout().to_plotly_json(), default=lambda o: o.to_plotly_json())
    assert "Starts at 87.4% occupancy: the authority's care homes in October 2025" in text
    box = re.search(r'\{[^{}]*"id": "gaps-occupancy"[^{}]*\}', text).group(0)
    assert '"value": 87.4' in box
    beds = findings(store).set_index("finding_key").loc["beds_needed", "sentence"]
    assert "(at 87.4% occupancy, October 2025)" in beds


def test_without_the_file_the_occupancy_is_assumed_and_said(sample_store):
    from metrics.supply import gaps
    from store import Store
    basis = gaps.occupancy_basis(Store(sample_store))
    assert (basis.occupancy, basis.month) == (0.9, None)
    assert basis.sentence.startswith("An assumed 90% occupancy: no care home occupancy")
