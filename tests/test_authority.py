"""Every authority in one store: `Store.for_authority`, `?authority=` on
pages and callbacks, the header picker, and comparators from the same national files."""
from __future__ import annotations

import pandas as pd
import pytest

from conftest import page_as_drawn
from store import Store, UnknownAuthority


SOUTHWARK, LEWISHAM, LONDON = "E09000028", "E09000023", "E12000007"


def test_for_authority_names_region_and_same_region_comparators(sample_store):
    store = Store(sample_store)
    assert store.for_authority(None) is store and store.for_authority(LEWISHAM) is store
    southwark = store.for_authority(SOUTHWARK).authority
    assert (southwark.area_code, southwark.area_name) == (SOUTHWARK, "Southwark")
    assert (southwark.region_code, southwark.region_name) == (LONDON, "London")
    # No profile for Southwark: its comparators are the other London boroughs (33 - itself).
    assert len(southwark.comparators) == 32 and SOUTHWARK not in southwark.comparators
    assert LEWISHAM in southwark.comparators
    # Lewisham keeps its profile's comparators.
    assert store.authority.comparators == ("E09000028", "E09000022", "E09000011", "E09000012", "E09000014", "E09000031")


def test_unknown_code_is_a_clear_error(sample_store):
    with pytest.raises(UnknownAuthority, match="'E12000007' is not an authority code"):
        Store(sample_store).for_authority(LONDON)
    with pytest.raises(UnknownAuthority, match="'NOPE' is not an authority code"):
        Store(sample_store).for_authority("nope")


def test_kpis_and_comparators_follow_the_authority(national_store):
    """Southwark's campylobacter rate 2017 (persons, all ages) is 207 / 313,223 x 100,000 = 66.09
    in the real file (row 1641), London's 5,552 / 8,787,892 x 100,000 = 63.18 (row 1397)."""
    from metrics.performance.kpis import kpi_table
    store = Store(national_store)
    rows = kpi_table(store.for_authority(SOUTHWARK))
    row = rows[(rows["indicator_name"].str.startswith("Campylobacter")) & (rows["period"].astype(str) == "2017")
               & (rows["sex"] == "Persons") & (rows["age"] == "All ages")].iloc[0]
    assert row["area_code"] == SOUTHWARK and row["area_name"] == "Southwark"
    assert round(row["value"], 2) == 66.09
    assert row["region_code"] == LONDON and round(row["region_value"], 2) == 63.18
    # The cache is per authority: Lewisham's table is not Southwark's.
    own = kpi_table(store)
    assert set(own["area_code"]) == {LEWISHAM}
    assert set(rows["area_code"]) == {SOUTHWARK}


def test_national_file_does_not_change_lewisham_figures(sample_store, national_store):
    """The sample alone and the sample plus a national file give the same Lewisham figures for
    everything the national file does not itself add."""
    from metrics.performance.kpis import kpi_table
    from metrics.supply.market import quality
    from metrics.demand.population import broad_groups
    alone, both = Store(sample_store), Store(national_store)
    a, b = kpi_table(alone), kpi_table(both)
    b = b[b["source_file"] != "fingertips-county-ua-campylobacter-2015-17.csv"]
    cols = ["indicator_id", "sex", "age", "period", "value", "region_value", "england_value"]
    key = ["indicator_id", "sex", "age", "period"]
    left = a[cols].sort_values(key).reset_index(drop=True)
    right = b[cols].sort_values(key).reset_index(drop=True)
    assert len(left) > 0
    assert left.equals(right)
    assert broad_groups(alone, LEWISHAM).equals(broad_groups(both, LEWISHAM))
    assert quality(alone).equals(quality(both))


def test_picker_lists_authorities_with_rows(sample_store, national_store):
    assert Store(sample_store).authorities()[0] == (LEWISHAM, "Lewisham")
    held = dict(Store(national_store).authorities())
    assert held[SOUTHWARK] == "Southwark" and len(held) >= 150  # every upper-tier authority in the file
    assert Store(national_store).for_authority(SOUTHWARK).has_rows_for(SOUTHWARK)


def _page(app, path):
    """The page load's status and the page as Dash's router draws it for the address (the header
    with the authority's name and pickers comes with it): no referrer is sent."""
    client = app.server.test_client()
    return client.get(path).status_code, page_as_drawn(client, path)


def test_shell_shows_picker_and_problems(national_store):
    from app import create_app
    app = create_app(national_store)
    status, shell = _page(app, "/performance?authority=" + SOUTHWARK)
    assert status == 200
    assert '"Southwark Council"' in shell
    assert shell.count('"selected":true') == 2  # one authority, and the comparator set in force
    assert f'"selected":true,"value":"{SOUTHWARK}"' in shell or f'"value":"{SOUTHWARK}","selected":true' in shell
    assert f"supply?authority={SOUTHWARK}" in shell  # navigation keeps the authority
    assert '"selected":true,"value":""' in shell or '"value":"","selected":true' in shell  # default set
    status, shell = _page(app, "/performance?authority=E99999999")
    assert status == 200 and "'E99999999' is not an authority code" in shell and "Showing Lewisham instead" in shell


def test_shell_says_when_the_store_has_no_rows(sample_store):
    from app import create_app
    _, shell = _page(create_app(sample_store), "/?authority=E06000047")
    assert "The store has no rows for County Durham (E06000047)" in shell


def test_callbacks_answer_for_the_address_authority(national_store):
    """A page callback gets the page's address as State and answers for its ?authority=."""
    from app import create_app
    from layouts import ids
    app = create_app(national_store)
    client = app.server.test_client()
    client.get("/performance")
    cb = next(k for k in app.callback_map if ids.graph(ids.PERF_CHART) in k)
    spec = app.callback_map[cb]

    def ask(search):
        body = {"output": cb,
                "outputs": [{"id": o.split(".")[0], "property": o.split(".")[1]} for o in cb.strip(".").split("...") if o],
                "inputs": [{"id": i["id"], "property": i["property"], "value": "all"} for i in spec["inputs"]],
                "state": [{"id": s["id"], "property": s["property"], "value": search if s["property"] == "search" else None}
                          for s in spec["state"]], "changedPropIds": []}
        answer = client.post("/_dash-update-component", json=body)
        assert answer.status_code == 200, answer.get_data(as_text=True)[:500]
        return answer.get_json()["response"][ids.data(ids.PERF_CHART)]["data"]["rows"]

    # Southwark has only the national file's rows (the chart's two: 2016 and 2017, persons);
    # Lewisham has the sample's indicators as well.
    assert ask(f"?authority={SOUTHWARK}") == 2
    assert ask("") > 2
    assert ask("?authority=e09000028") == 2  # codes are read case-insensitively


def test_export_and_brief_take_authority(national_store, tmp_path):
    """`mps export|brief --authority CODE`: Southwark's KPIs, none of Lewisham's own council files."""
    import pandas as pd

    from mps_cli import main
    assert main(["export", "--store", str(national_store), "--out", str(tmp_path / "csv"), "--authority", SOUTHWARK]) == 0
    kpis = pd.read_csv(tmp_path / "csv" / "kpis.csv")
    assert set(kpis["area_code"]) == {SOUTHWARK}
    row = kpis[(kpis["period"].astype(str) == "2017") & (kpis["age"] == "All ages")].iloc[0]
    assert round(row["value"], 1) == 66.1 and round(row["region_value"], 1) == 63.2
    assert pd.read_csv(tmp_path / "csv" / "contracts.csv").empty  # Lewisham's register is not Southwark's
    assert main(["export", "--store", str(national_store), "--out", str(tmp_path / "x"), "--authority", "E12000007"]) == 1
    assert main(["brief", "--store", str(national_store), "--out", str(tmp_path / "b.html"), "--authority", SOUTHWARK]) == 0
    assert "Southwark" in (tmp_path / "b.html").read_text(encoding="utf-8")


def test_download_routes_honour_authority(national_store):
    """/download/csv?authority= is Southwark's; the Downloads page links carry the authority."""
    import io
    import zipfile

    import pandas as pd

    from app import create_app
    from exports.downloads import href
    app = create_app(national_store)
    client = app.server.test_client()
    r = client.get(f"/download/csv?authority={SOUTHWARK}")
    assert r.status_code == 200 and "southwark-mps-tables-csv" in r.headers["Content-Disposition"]
    kpis = pd.read_csv(zipfile.ZipFile(io.BytesIO(r.data)).open("kpis.csv"))
    assert set(kpis["area_code"]) == {SOUTHWARK}
    store = Store(national_store)
    assert href(store, "csv") == "/download/csv"
    assert href(store.for_authority(SOUTHWARK), "csv") == f"/download/csv?authority={SOUTHWARK}"


def test_rows_where_gives_the_areas_rows_in_file_order_as_a_copy(national_store):
    """The indexed read the KPI view uses equals a plain filter of the whole table."""
    store = Store(national_store)
    whole = store.table("indicators")
    codes = [SOUTHWARK, LONDON, "no such code", SOUTHWARK]
    expected = whole[whole["area_code"].isin(codes)]
    got = store.rows_where("indicators", "area_code", codes)
    assert len(got) > 0 and list(got["source_row"]) == list(expected["source_row"])
    pd.testing.assert_frame_equal(got.reset_index(drop=True), expected.reset_index(drop=True))
    got["value"] = -1.0  # a caller's change never reaches the next caller
    assert (store.rows_where("indicators", "area_code", [SOUTHWARK])["value"] != -1.0).any()
    assert store.rows_where("indicators", "area_code", ["no such code"]).empty
    # Seen as another authority, the profile's own tables stay empty here too.
    assert store.for_authority(SOUTHWARK).rows_where("contracts", "client_group", ["older_people"]).empty


def test_rows_where_with_columns_gives_the_same_rows_of_those_columns_only(national_store):
    """`columns=` (the KPI table reads England's, the region's and the comparators' key and value
    only) gives the rows the whole read gives, those columns in that order, and a copy."""
    store = Store(national_store)
    codes = [SOUTHWARK, LONDON, "E92000001"]
    columns = ["indicator_id", "sex", "age", "period", "area_code", "is_breakdown", "value"]
    whole = store.rows_where("indicators", "area_code", codes)
    got = store.rows_where("indicators", "area_code", codes, columns=columns)
    assert len(got) > 0 and list(got.columns) == columns
    pd.testing.assert_frame_equal(got, whole[columns])
    got["value"] = -1.0
    assert (store.rows_where("indicators", "area_code", codes, columns=["value"])["value"] != -1.0).all()
    # Outside the view's scope (an area's partitions read for the call) and for a table that is not
    # partitioned, the same.
    outside = store.for_authority(SOUTHWARK).rows_where("indicators", "area_code", ["E06000001"], columns=columns)
    assert list(outside.columns) == columns
    contracts = store.rows_where("contracts", "client_group", ["older_people"])
    assert len(contracts) > 0
    pd.testing.assert_frame_equal(store.rows_where("contracts", "client_group", ["older_people"],
                                                   columns=["client_group"]), contracts[["client_group"]])
    assert list(store.for_authority(SOUTHWARK).rows_where("contracts", "client_group", ["older_people"],
                                                          columns=["client_group"]).columns) == ["client_group"]
