"""Another authority, with no profile: County Durham (E06000047), from the publishers' real files
(the real 2022 SNPP excerpt for County Durham and the real Fingertips County & UA export, which holds
every upper-tier authority) plus the sample's other files re-labelled as County Durham's. Ingested
with `mps ingest DIR --authority E06000047`, no page, export or brief names Lewisham, its code or
its neighbourhoods; the neighbourhood page says no neighbourhood lookup is loaded and how to add one."""
import csv
import re
import shutil

import pytest

from conftest import PROFILE, SAMPLE, real_file

CODE, NAME = "E06000047", "County Durham"
REPLACE = [("London Borough of Lewisham", NAME), ("Lewisham", NAME), ("LEWISHAM", NAME.upper()),
           ("E09000023", CODE), ("lewisham", "county_durham")]
TEXT_SUFFIXES = {".csv", ".xls"}   # the sample's .xls is a POPPI HTML export: text too


def _relabel_text(text: str) -> str:
    for old, new in REPLACE:
        text = text.replace(old, new)
    return text


def _relabel(src, dst):
    """Copy a sample file with every mention of Lewisham and its code replaced."""
    if src.suffix.lower() in TEXT_SUFFIXES:
        encoding = "latin-1" if src.name.startswith("gp-reg") else "utf-8"
        dst.write_text(_relabel_text(src.read_text(encoding=encoding)), encoding=encoding)
    elif src.suffix.lower() == ".xlsx":
        from openpyxl import load_workbook
        wb = load_workbook(src)
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    if isinstance(cell.value, str):
                        cell.value = _relabel_text(cell.value)
        wb.save(dst)
    elif src.suffix.lower() == ".ods":
        import pandas as pd
        sheets = pd.read_excel(src, sheet_name=None, header=None, engine="calamine")
        with pd.ExcelWriter(dst, engine="odf") as w:
            for name, frame in sheets.items():
                frame.map(lambda v: _relabel_text(v) if isinstance(v, str) else v).to_excel(
                    w, sheet_name=name, header=False, index=False)


def _forbidden() -> re.Pattern:
    names = {"Lewisham", "E09000023"}
    with open(PROFILE / "neighbourhoods.csv", encoding="utf-8") as f:
        names |= {r["neighbourhood_name"] for r in csv.DictReader(f)}
    return re.compile("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)), re.I)


@pytest.fixture(scope="module")
def durham_store(tmp_path_factory):
    import mps_cli
    src = tmp_path_factory.mktemp("durham") / "downloads"
    src.mkdir()
    for p in SAMPLE.iterdir():
        if p.name in {"mps.toml", "README.md"} or p.name.startswith("2014 SNPP"):
            continue  # the real 2022 SNPP excerpt stands in for the sample's projections
        if p.name.startswith("neighbourhood_caseloads"):
            continue  # by the authority's own neighbourhoods, which this one has not defined
        _relabel(p, src / _relabel_text(p.name))
    shutil.copy(real_file("ons/2022 SNPP Population persons (County Durham excerpt).csv"), src)
    shutil.copy(real_file("fingertips/fingertips-county-ua-campylobacter-2015-17.csv"), src)
    store = src.parent / "store"
    assert mps_cli.main(["ingest", "--no-precompute", str(src), "--store", str(store), "--authority", CODE]) == 0
    return store


def test_the_authority_is_named_from_the_national_lookup(durham_store):
    from store import Store
    m = Store(durham_store).manifest
    assert (m.authority.area_code, m.authority.area_name) == (CODE, NAME)
    assert (m.authority.region_code, m.authority.region_name) == ("E12000001", "North East")
    assert m.profile is None and not Store(durham_store).has("lookup_neighbourhoods")


def test_no_page_names_lewisham(durham_store):
    from test_robustness import all_callbacks_succeed
    layouts = all_callbacks_succeed(durham_store)
    forbidden = _forbidden()
    # The header comes with each page: its authority picker offers every authority with rows in
    # the national file (Lewisham among them), which names no one's figures; the rest may not.
    choice = re.compile(r'\{"props":\{"children":"[^"]*\((E\d{8})\)","selected":(?:true|false),"value":"\1"\},'
                        r'"type":"Option"')
    for path, text in layouts.items():
        assert f'"children":"{NAME} ({CODE})","selected":true' in text, path
        text = choice.sub("", text)
        assert not forbidden.search(text), (path, forbidden.search(text).group(0))
    assert "No neighbourhood lookup is loaded" in layouts["/neighbourhoods"]
    assert "authorities\\u002fE06000047" in layouts["/neighbourhoods"]  # JSON escapes the slashes


def test_no_export_or_brief_names_lewisham(durham_store, tmp_path):
    from exports.brief import write_brief
    from exports.csv_export import write_csv_tables
    from exports.xlsx_export import write_workbook
    from store import Store
    from openpyxl import load_workbook
    store = Store(durham_store)
    forbidden = _forbidden()
    for path in write_csv_tables(store, tmp_path / "csv"):
        text = path.read_text(encoding="utf-8-sig")
        assert not forbidden.search(text), (path.name, forbidden.search(text).group(0))
    wb = load_workbook(write_workbook(store, tmp_path / "t.xlsx"))
    cells = [str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    assert not [c for c in cells if forbidden.search(c)]
    html = write_brief(store, tmp_path / "b.html").read_text(encoding="utf-8")
    assert not forbidden.search(html) and NAME in html
    assert write_brief(store, tmp_path / "b.pdf").read_bytes().startswith(b"%PDF")


def test_kpis_compare_with_the_authoritys_own_region_and_england(durham_store):
    """The real Fingertips export: County Durham's campylobacter rate beside the North East's and
    England's values from the same file, with the publisher's own comparison."""
    from metrics.performance import kpis
    from store import Store
    import pandas as pd
    t = kpis.kpi_table(Store(durham_store))
    t = t[t["indicator_id"] == 93356]
    assert len(t) and set(t["region_code"]) == {"E12000001"}
    raw = pd.read_csv(real_file("fingertips/fingertips-county-ua-campylobacter-2015-17.csv"))
    raw = raw[raw["Category Type"].isna()].drop_duplicates(["Area Code", "Time period", "Sex", "Age"])
    raw["Time period"] = raw["Time period"].astype(str)
    assert set(t["polarity"]) == {"low_is_good"} and set(t["polarity_source"]) == {"publisher"}
    for r in t.itertuples():
        same = (raw["Time period"] == r.period) & (raw["Sex"] == r.sex) & (raw["Age"] == r.age)
        mine, england, region = (raw[same & (raw["Area Code"] == c)] for c in (CODE, "E92000001", "E12000001"))
        assert r.value == pytest.approx(mine["Value"].iloc[0])
        assert r.england_value == pytest.approx(england["Value"].iloc[0])
        if len(region):
            assert r.region_value == pytest.approx(region["Value"].iloc[0])
        published = mine["Compared to England value or percentiles"].iloc[0]
        if isinstance(published, str) and published.split()[0].lower() in {"better", "similar", "worse"}:
            assert (r.compared_to_england, r.comparison_source) == (published.split()[0].lower(), "publisher")


def test_another_authoritys_population_page_never_opens_on_the_profile_authoritys_figures(national_store):
    """The sample's ONS projections hold Lewisham, London and England only: Southwark's Population page
    opens on London, says Southwark's projection is not loaded, and never selects Lewisham."""
    import json
    from app import create_app
    app = create_app(national_store)
    from layouts.pages import population
    from layouts import ids
    from layouts import context
    with app.server.test_request_context("/population?authority=E09000028"):
        context.use_view("E09000028")  # as the page's framed layout does with the address's query
        tree = population.layout()
    text = json.dumps(tree.to_plotly_json(), default=lambda o: o.to_plotly_json())
    assert "No population projection for Southwark is in the data loaded" in text
    assert "so the page opens on London" in text

    def find(node, wanted):
        if getattr(node, "id", None) == wanted:
            return node
        children = getattr(node, "children", None)
        for child in children if isinstance(children, list) else [children]:
            hit = find(child, wanted) if child is not None and not isinstance(child, str) else None
            if hit is not None:
                return hit
        return None
    assert find(tree, ids.POP_AREA).value == "E12000007"  # London, not Lewisham (E09000023)


def test_another_authoritys_demand_comparison_holds_no_other_authoritys_rates(national_store):
    """The store's POPPI/PANSI tables are Lewisham's, London's and England's: Southwark's comparison
    of rates per 1,000 shows London and England only, never Lewisham's 1,120 adults with a learning
    disability; Lewisham's own shows itself beside them."""
    from metrics.demand import demand
    from store import Store
    s = Store(national_store)
    southwark = demand.group_comparison(s.for_authority("E09000028"), "learning_disability", 2017)
    assert "Lewisham" not in set(southwark["area_name"]) and 1120 not in set(southwark["cases"])
    own = demand.group_comparison(s, "learning_disability", 2017)
    assert "Lewisham" in set(own["area_name"])
