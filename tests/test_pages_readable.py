"""What a reader sees on Supply, Resources and Population, through the app's own
callback endpoint on the sample (figures pinned from the sample's CQC directory and finance file)."""
import json

import pytest


@pytest.fixture(scope="module")
def client(sample_store):
    from app import create_app
    return create_app(sample_store).server.test_client()


def _address_bar(cb: dict) -> list[dict]:
    """Every callback also carries the address bar's query (State of ids.URL "search"; PageCallbacks.bind)."""
    return [{"id": s["id"], "property": s["property"], "value": ""} for s in cb.get("state", [])]


def _call(client, output_prefix: str, inputs: dict):
    deps = client.get("/_dash-dependencies").get_json()
    cb = next(d for d in deps if f"{output_prefix}-graph.figure" in d["output"].strip(".").split("..."))
    body = {"output": cb["output"], "outputs": [{"id": o.split(".")[0], "property": o.split(".")[1]}
                                                for o in cb["output"].strip(".").split("...") if o],
            "inputs": [{"id": i["id"], "property": i["property"], "value": inputs[i["id"]]} for i in cb["inputs"]],
            "state": _address_bar(cb),
            "changedPropIds": [f"{cb['inputs'][0]['id']}.{cb['inputs'][0]['property']}"]}
    r = client.post("/_dash-update-component", json=body)
    assert r.status_code == 200, r.data[:500]
    return r.get_json()["response"]


def test_supply_rating_view_says_why_its_totals_differ_from_the_older_peoples_table(client):
    out = _call(client, "supply-chart", {"supply-view": "rating"})
    source = out["supply-chart-source"]["children"]
    # Sample CQC directory: 26 registered care homes with 721 beds; seed 000 s4.1's table: 18 homes, 672 beds.
    assert "26 homes and 721 beds" in source and "18 care homes for older people (672 beds)" in source
    fig = out["supply-chart-graph"]["figure"]
    assert [t["xaxis"] for t in fig["data"]] == ["x", "x2"]  # homes and beds never share an axis


def test_supply_page_shows_labels_not_codes(sample_store):
    from app import create_app
    from layouts.pages import supply
    app = create_app(sample_store)
    with app.server.test_request_context("/supply"):
        text = json.dumps(supply.layout().to_plotly_json(), default=lambda o: o.to_plotly_json())
    assert "Home care (domiciliary)" in text and "Residential care" in text
    assert '"domiciliary_care"' not in text and '"residential"' not in text


def test_resources_reads_268m_and_40k_on_a_log_axis_with_stated_rounding(client):
    out = _call(client, "resources-chart", {"resources-organisation": "Lewisham Council"})
    fig = out["resources-chart-graph"]["figure"]
    assert fig["layout"]["xaxis"]["type"] == "log"
    assert "£268.0m" in fig["data"][0]["text"] and "£40k" in fig["data"][0]["text"]
    assert "rounded to £0.1m" in out["resources-chart-source"]["children"]


def test_population_index_view_is_100_in_the_base_year_and_the_twin_follows(client):
    out = _call(client, "population-chart", {"population-area": "E09000023", "population-measure": "index"})
    fig = out["population-chart-graph"]["figure"]
    assert "(2017 = 100)" in fig["layout"]["title"]["text"].replace("<br>", " ")  # wrapped to fit a phone
    assert out["population-query"]["data"] == "area=E09000023&measure=index"
    assert "Index (base year = 100)" in json.dumps(out["population-chart-table"])


def test_practices_are_grouped_by_neighbourhood_and_the_page_says_why_sums_exceed_residents(client, sample_store):
    deps = client.get("/_dash-dependencies").get_json()
    cb = next(d for d in deps if "neighbourhood-practices-graph.figure" in d["output"].strip(".").split("..."))
    body = {"output": cb["output"], "outputs": [{"id": o.split(".")[0], "property": o.split(".")[1]}
                                                for o in cb["output"].strip(".").split("...")],
            "inputs": [{"id": i["id"], "property": i["property"], "value": True} for i in cb["inputs"]],
            "state": _address_bar(cb),
            "changedPropIds": [f"{cb['inputs'][0]['id']}.{cb['inputs'][0]['property']}"]}
    fig = client.post("/_dash-update-component", json=body).get_json()["response"]["neighbourhood-practices-graph"]["figure"]
    names = [t["name"] for t in fig["data"]]
    assert sorted(names) == ["Central Lewisham", "North Lewisham", "South East Lewisham", "South West Lewisham"]
    assert sum(len(t["y"]) for t in fig["data"]) == 34  # every practice in the sample, once
    from app import create_app
    from layouts.pages import neighbourhoods
    app = create_app(sample_store)
    with app.server.test_request_context("/neighbourhoods"):
        text = json.dumps(neighbourhoods.layout().to_plotly_json(), default=lambda o: o.to_plotly_json())
    assert "not where they live" in text


def test_a_growth_finding_links_to_demand_on_its_own_client_group(sample_store):
    """Sample: the dementia growth finding's evidence link opens Demand on dementia, not the default group."""
    from app import create_app
    from layouts.pages import overview
    app = create_app(sample_store)
    with app.server.test_request_context("/"):
        text = json.dumps(overview.layout().to_plotly_json(), default=lambda o: o.to_plotly_json())
    assert '"/demand?client_group=dementia"' in text and '"/demand?client_group=carers"' in text


def test_opportunities_any_time_reports_every_running_contract_by_name_not_code(client):
    """"Any time (all running)": the providers' sentences count every running care contract (11
    older people's contracts worth £21.4m a year at 1 June 2017), not the 24-month window's 5; the
    contracts table names services ("Extra care housing", not extra_care) and leaves unknown SME or
    VCSE blank, never "<NA>"."""
    out = _call(client, "opportunities-contracts-chart", {"opportunities-window": "all",
                                                          "opportunities-client-group": "all"})
    text = json.dumps(out)
    assert "11 care contracts worth \\u00a321.4m a year are running, whatever their end date" in text
    assert "within 24 months" not in text
    table = json.dumps(out["opportunities-contracts-chart-table"])
    assert "<NA>" not in table and '"extra_care"' not in table and "Extra care housing" in table


def test_about_the_data_reads_as_words_with_hashes_folded_and_how_to_refresh(sample_store):
    """Kinds by name ("CQC care directory", not cqc_locations), dates in words (the GP extract of
    1 April 2017), SHA-256 fingerprints only inside a folded <details>, and the refresh steps."""
    import re
    from app import create_app
    app = create_app(sample_store)
    from layouts.pages import about
    with app.server.test_request_context("/about"):
        page = about.layout()
    as_json = json.dumps(page.to_plotly_json(), default=lambda o: o.to_plotly_json())
    details = [c for c in page.children if getattr(c, "className", "") == "fingerprints"]
    assert len(details) == 1 and type(details[0]).__name__ == "Details"
    folded = json.dumps(details[0].to_plotly_json(), default=lambda o: o.to_plotly_json())
    outside = as_json.replace(folded, "")
    assert not re.search(r"\b[0-9a-f]{12,64}\b", outside)  # no hash outside the fold
    assert len(re.findall(r"\b[0-9a-f]{64}\b", folded)) >= 28  # every sample file's full fingerprint
    assert "CQC care directory" in outside and '"cqc_locations"' not in outside
    assert "1 April 2017" in outside and "2017-04-01" not in outside
    assert "How to refresh the data" in outside and "mps ingest FOLDER --store data/store" in outside
