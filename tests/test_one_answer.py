"""One question, one answer: a figure a reader can meet in several places reads the same on the
page, in the CSV export, in the workbook and in the brief. Each entry of FIGURES is one figure,
worked out by hand from the sample's inputs; grow the list whenever a figure appears somewhere new."""
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook
from domain.contract import sheet_title


def _mps(*args):
    r = subprocess.run([str(Path(sys.executable).with_name("mps")), *map(str, args)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return r


@pytest.fixture(scope="module")
def outputs(sample_store, tmp_path_factory):
    out = tmp_path_factory.mktemp("one-answer")
    _mps("export", "--store", sample_store, "--out", out / "csv", "--format", "csv")
    _mps("export", "--store", sample_store, "--out", out / "tables.xlsx", "--format", "xlsx")
    _mps("brief", "--store", sample_store, "--out", out / "brief.html")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", (out / "brief.html").read_text(encoding="utf-8")))
    import pandas as pd
    csv = {p.stem: pd.read_csv(p) for p in (out / "csv").glob("*.csv")}
    return {"csv": csv, "xlsx": load_workbook(out / "tables.xlsx"), "brief": text}


def _page(sample_store, path):
    """A page's layout as the reader's browser receives it, as text."""
    from app import create_app
    app = create_app(sample_store)
    import importlib
    name = {"/area": "area"}[path.split("?")[0]]
    module = importlib.import_module(f"layouts.pages.{name}")
    query = dict(q.split("=") for q in path.split("?")[1].split("&")) if "?" in path else {}
    with app.server.test_request_context(path):
        return json.dumps(module.layout(**query).to_plotly_json(), default=lambda o: o.to_plotly_json())


def test_north_lewishams_registered_patients_are_one_figure(sample_store, outputs):
    """68,737 patients at North Lewisham's 10 practices in the GP extract of 1 April 2017: on its area
    profile, in neighbourhoods.csv and the workbook, and in the brief (dated there)."""
    page = _page(sample_store, "/area?code=N1")
    assert "68,737" in page
    hoods = outputs["csv"]["neighbourhoods"].set_index("neighbourhood")
    assert hoods.loc["N1", "registered_patients"] == 68737 and hoods.loc["N1", "registered_as_at"] == "2017-04-01"
    ws = outputs["xlsx"][sheet_title("neighbourhoods")]
    assert [c.value for c in ws[2]][:3] == ["North Lewisham", "N1", 68737]
    assert "Registered patients (GP extract of 1 April 2017)" in outputs["brief"]
    assert "North Lewisham 68,737" in outputs["brief"]


def test_demand_growth_of_every_client_group_is_exported_with_its_years(outputs):
    """The opportunities export carries each group's growth from 2017 to 2030, the Demand and
    Opportunities pages' horizon: older people +61.9% (POPPI 26,800 to 43,400)."""
    opp = outputs["csv"]["opportunities"].set_index("client_group")
    assert len(opp) == 7 and set(opp["from_year"]) == {2017} and set(opp["to_year"]) == {2030}
    assert opp.loc["older_people", "demand_growth_pct"] == pytest.approx((43400 / 26800 - 1) * 100)


def test_beds_needed_in_the_target_year_read_the_same_in_the_export_and_the_brief(outputs):
    """672 beds x 16,000 / 12,400 residents aged 75+ = 867.1 beds in 2030, 195 more than today."""
    beds = outputs["csv"]["beds_needed"].set_index("year")
    assert beds.loc[2030, "beds_needed"] == pytest.approx(672 * 16000 / 12400)
    assert "867 beds would be needed in 2030: 195 more than the 672 registered in 2017" in outputs["brief"]


def test_the_mps_horizon_is_one_setting_the_profile_can_change(tmp_path):
    """With [horizon] target_year = 2025 in the profile, every figure "to the target year" moves
    together: the beds finding, each group's growth in the opportunities table, the rationale
    sentences and the Demand page's default; PANSI learning disability 1,120 in 2017 to 1,245 in 2025."""
    import shutil
    from conftest import PROFILE, SAMPLE
    from loaders.store import ingest
    from metrics import demand, findings, opportunities
    from metrics.store import Store
    profile = tmp_path / "profile"
    shutil.copytree(PROFILE, profile)
    toml = profile / "profile.toml"
    text = toml.read_text(encoding="utf-8")
    assert "target_year = 2030" in text  # the reference profile states the default
    toml.write_text(text.replace("target_year = 2030", "target_year = 2025"), encoding="utf-8")
    assert ingest(SAMPLE, tmp_path / "store", profile_dir=profile).ok
    s = Store(tmp_path / "store")
    assert demand.mps_horizon(s, [2017, 2020, 2025, 2030, 2035]) == (2017, 2025)
    beds = findings.findings(s).set_index("finding_key").loc["beds_needed"]
    assert beds["year"] == "2025"
    assert set(opportunities.opportunities_table(s)["to_year"]) == {2025}
    ld = [x for x in demand.rationale_sentences(s) if "with a learning disability is" in x]
    assert "from 1,120 in 2017 to 1,245 in 2025 (+11%)" in ld[0]
    # Another authority viewed in the same store keeps the default horizon: the profile is Lewisham's.
    assert demand.mps_horizon(s.for_authority("E09000028"), [2017, 2030]) == (2017, 2030)
