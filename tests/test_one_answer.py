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
    import html
    text = html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", (out / "brief.html").read_text(encoding="utf-8"))))
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
    from metrics.demand import demand
    from sentences import findings
    from sentences.demand import rationale_sentences
    from metrics.supply import opportunities
    from store import Store
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
    ld = [x for x in rationale_sentences(s) if "with a learning disability is" in x]
    assert "from 1,120 in 2017 to 1,245 in 2025 (+11%)" in ld[0]
    # Another authority viewed in the same store keeps the default horizon: the profile is Lewisham's.
    assert demand.mps_horizon(s.for_authority("E09000028"), [2017, 2030]) == (2017, 2030)


# =============================================================================================
# The consistency suite read as a reader reads it: the pages in Chromium (one browser session per
# store), the CSV export, the workbook and the HTML brief, for the sample and for an authority the
# store holds only national files for (Southwark, beside the sample in a store with the national
# Fingertips file). Each figure below is read in every place it appears and must be one answer.
#
# FIGURES is that list: the figure, its value on the sample, where it appears, and the test that
# reads it in every place.
# Grow the list (and the tests under it) whenever a figure appears in a new place.

FIGURES = [  # (figure, on the sample, where a reader meets it, the test)
    ("registered patients per neighbourhood", "North Lewisham 68,737 (GP extract of 1 April 2017); all four 318,500",
     "Neighbourhoods page (two tables), each area profile, neighbourhoods.csv, Neighbourhoods sheet, brief",
     "test_registered_patients_of_every_neighbourhood_are_one_figure"),
    ("demand growth per client group, with its years", "7 groups, 2017 to 2030; older people +61.9%",
     "Opportunities page (table, sentences), opportunities.csv, Opportunities sheet, brief",
     "test_demand_growth_and_opportunities_totals_are_one_answer"),
    ("opportunities totals per client group", "older people: 4 care contracts, £5.1m a year, in 12 months",
     "Opportunities page (table, sentences), opportunities.csv, Opportunities sheet, brief",
     "test_demand_growth_and_opportunities_totals_are_one_answer"),
    ("care contracts ending in the window", "16 within 12 months (14 with a client group)",
     "Opportunities page (contracts table), opportunities.csv, Opportunities sheet, brief",
     "test_care_contracts_ending_within_12_months_are_the_same_contracts"),
    ("beds needed at the horizon", "867 in 2030, 195 more than 672",
     "Demand vs supply page (sentence, table), Overview finding, beds_needed.csv, Beds needed sheet, brief",
     "test_beds_today_and_needed_at_the_horizon_are_one_answer"),
    ("occupied beds", "605 at 90% (171 residential, 433.8 nursing)", "Demand vs supply page (sentence, table), brief",
     "test_beds_today_and_needed_at_the_horizon_are_one_answer"),
    ("council-funded care home places", "448 in the area (320 + 128), 252 outside it (155 + 97)",
     "Demand vs supply page (sentence, table), Market health page, brief",
     "test_beds_today_and_needed_at_the_horizon_are_one_answer"),
    ("KPI values", "12 latest values; falls 2,712.3 per 100,000 aged 65+",
     "Performance page (table), kpis.csv, Performance indicators sheet, brief",
     "test_kpi_values_are_one_answer"),
    ("another authority's own figures, or a sentence saying they are missing", "Southwark: 208 beds, 66.1",
     "every page, the CSVs, the workbook and the brief of an authority with only national files",
     "test_an_authority_with_only_national_files_sees_its_own_figures_or_is_told"),
]


def test_every_figure_listed_has_its_test():
    names = {name for name, value in globals().items() if name.startswith("test_") and callable(value)}
    assert {f[3] for f in FIGURES} <= names

PAGES = ["/", "/neighbourhoods", "/area?code=N1", "/area?code=N2", "/area?code=N3", "/area?code=N4", "/gaps",
         "/market-health", "/opportunities", "/performance"]
NATIONAL_PAGES = ["/", "/population", "/demand", "/supply", "/gaps", "/neighbourhoods", "/market-health",
                  "/opportunities", "/performance", "/resources"]
SOUTHWARK = "E09000028"

READ_PAGE = """
    const main = document.querySelector('main');
    const prose = main.cloneNode(true);  // what the page says, without its choices (an area picker's names)
    prose.querySelectorAll('fieldset, select, label, table, .js-plotly-plot, .council-files-only, .comparators-named')
         .forEach(e => e.remove());  // charts: their table twins are read instead
    return {text: main.innerText, prose: prose.textContent, tables: Array.from(main.querySelectorAll('table')).map(t => ({
        id: t.id || (t.closest('[id]') || {}).id || '',
        rows: Array.from(t.querySelectorAll('tr')).map(r =>
            Array.from(r.querySelectorAll('th, td')).map(c => c.textContent.trim()))}))};"""


def _read_pages(store, paths):
    """Every path's main text (as shown) and tables (hidden table twins included), from one browser."""
    from browser_steps import settled
    from tools.browser import Server, make_driver, require_browser
    require_browser()
    server, driver = Server(store), make_driver()
    try:
        out = {}
        for path in paths:
            driver.get(server.url + path)
            settled(driver)
            driver.execute_script("window.scrollTo(0, document.body.scrollHeight)")  # charts below the fold
            settled(driver)
            out[path] = driver.execute_script(READ_PAGE)
        return out
    finally:
        driver.quit()
        server.stop()


def _html_tables(page: str) -> dict[str, list[list[str]]]:
    """The brief's tables by caption: rows of cell texts."""
    import html
    tables = {}
    for caption, body in re.findall(r"<table><caption>(.*?)</caption>(.*?)</table>", page, re.S):
        rows = [[html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, re.S)]
                for r in re.findall(r"<tr>(.*?)</tr>", body, re.S)]
        tables[html.unescape(caption)] = rows
    return tables


def _table(page: dict, id_: str) -> list[dict]:
    """A page table's rows as {header: cell}."""
    rows = next(t["rows"] for t in page["tables"] if t["id"] == id_)
    return [dict(zip(rows[0], r)) for r in rows[1:]]


def _brief_rows(brief_tables, caption) -> list[dict]:
    rows = brief_tables[caption]
    return [dict(zip(rows[0], r)) for r in rows[1:]]


def _number(text: str) -> float:
    return float(text.replace(",", "").replace("£", "").replace("%", ""))


def _money(value: float) -> str:
    """The product's one money rule for £k/£m, written out again here from its definition."""
    from decimal import ROUND_HALF_UP, Decimal
    if value >= 1_000_000:
        return f"£{Decimal(value / 1_000_000).quantize(Decimal('0.1'), ROUND_HALF_UP)}m"
    return f"£{Decimal(value / 1_000).quantize(Decimal('1'), ROUND_HALF_UP)}k" if value else "£0"


@pytest.fixture(scope="module")
def sample_read(sample_store, outputs, tmp_path_factory):
    """The sample read in every place: pages (Chromium), CSV, workbook, HTML brief (text and tables)."""
    out = tmp_path_factory.mktemp("one-answer-brief")
    _mps("brief", "--store", sample_store, "--out", out / "brief.html")
    return {**outputs, "pages": _read_pages(sample_store, PAGES),
            "brief_tables": _html_tables((out / "brief.html").read_text(encoding="utf-8"))}


@pytest.mark.browser
def test_registered_patients_of_every_neighbourhood_are_one_figure(sample_read):
    """The latest GP extract (1 April 2017) per neighbourhood: North Lewisham 68,737, as the CSV
    holds it; the Neighbourhoods page's tables, each area profile, the workbook and the brief agree."""
    csv = sample_read["csv"]["neighbourhoods"].set_index("neighbourhood")
    assert csv.loc["N1", "registered_patients"] == 68737 and list(csv.index) == ["N1", "N2", "N3", "N4", "total"]
    assert csv.loc["total", "registered_patients"] == 68737 + 117839 + 53268 + 78656 == 318500
    pages = sample_read["pages"]
    resident = {r["Neighbourhood"]: r for r in _table(pages["/neighbourhoods"], "neighbourhood-resident-table")}
    caseload = {r["Neighbourhood"]: r for r in _table(pages["/neighbourhoods"], "neighbourhood-caseload-chart-table")}
    ws = sample_read["xlsx"][sheet_title("neighbourhoods")]
    header = [c.value for c in ws[1]]
    sheet = {r[header.index("Neighbourhood code")]: r[header.index("Registered patients")]
             for r in ws.iter_rows(min_row=2, values_only=True)}
    brief = {r["Neighbourhood"]: r for r in _brief_rows(sample_read["brief_tables"], "Neighbourhoods")}
    for code, row in csv.iterrows():
        n = int(row["registered_patients"])
        name = resident[code]["Name"]
        area = pages.get(f"/area?code={code}", {"tables": [{"rows": [["Name", "Registered patients"], [name, str(n)]]}]})
        profile = next(t for t in area["tables"] if t["rows"] and "Registered patients" in t["rows"][0])["rows"]
        shown = dict(zip(profile[0], profile[1]))  # the total has no area profile
        assert (_number(resident[code]["Registered patients"]), _number(caseload[code]["Registered patients"]),
                _number(shown["Registered patients"]), sheet[code]) == (n, n, n, n), code
        assert shown["Name"] == name and _number(brief[name]["Registered patients"]) == n
    # The matrix table names its groups and services (it showed all_patients, social_care_cases).
    matrix = _table(pages["/neighbourhoods"], "neighbourhood-matrix-table")
    assert {"All registered patients", "Dementia"} <= {r["Client group"] for r in matrix}
    assert "Social care cases" in {r["Service"] for r in matrix}
    assert not {r["Client group"] for r in matrix} & {"all_patients", "older_people"}


@pytest.mark.browser
def test_demand_growth_and_opportunities_totals_are_one_answer(sample_read):
    """Per client group, 2017 to 2030: growth (older people +61.9%, POPPI 26,800 to 43,400; carers
    +71.6%, 3,380 to 5,799; substance misuse +12.1%, alcohol 12,200 to 13,672) and care contracts
    ending within 12 months (older people 4 worth £5,140,000 a year: £5.1m) read the same on the
    Opportunities page (sentences and table), in the CSV, the workbook and the brief."""
    from domain.labels import CLIENT_GROUP_LABELS
    csv = sample_read["csv"]["opportunities"].set_index("client_group")
    assert csv.loc["older_people", "demand_growth_pct"] == pytest.approx((43400 / 26800 - 1) * 100)
    assert csv.loc["carers", "demand_growth_pct"] == pytest.approx((5799 / 3380 - 1) * 100)
    assert csv.loc["substance_misuse", "demand_growth_pct"] == pytest.approx((13672 / 12200 - 1) * 100)
    assert (csv.loc["older_people", "contracts_ending_12m"], csv.loc["older_people", "annual_value_ending_12m"]) == \
        (4, 5_140_000)
    page = sample_read["pages"]["/opportunities"]
    table = {r["Client group"]: r for r in _table(page, "opportunities-chart-table")}
    ws = sample_read["xlsx"][sheet_title("opportunities")]
    header = [c.value for c in ws[1]]
    sheet = {r[header.index("Client group code")]: dict(zip(header, r)) for r in ws.iter_rows(min_row=2, values_only=True)}
    brief = {r["Client group"]: r for r in _brief_rows(sample_read["brief_tables"], "By client group")}
    assert len(csv) == len(table) == len(sheet) == len(brief) == 7
    for group, row in csv.iterrows():
        name, pct = CLIENT_GROUP_LABELS[group], row["demand_growth_pct"]
        n, value = int(row["contracts_ending_12m"]), row["annual_value_ending_12m"]
        years = (int(row["from_year"]), int(row["to_year"]))
        assert years == (2017, 2030)
        # the page: its table (one decimal) and its sentence (whole per cent)
        assert table[name]["Projected demand growth (%)"] == f"{pct:.1f}%", name
        assert (int(table[name]["From year"]), int(table[name]["To year"])) == years
        assert (int(table[name]["Care contracts ending"]), table[name]["Annual value ending (£)"]) == (n, _money(value))
        said = f"projected to grow {pct:.0f}% from 2017 to 2030; "
        said += (f"{n} care contract{'s' if n != 1 else ''} worth {_money(value)} a year end within 12 months"
                 if n else "no care contract ends within 12 months")
        assert f"{name}: " in page["text"] and said in page["text"], (name, said)
        # the workbook: the CSV's values
        assert sheet[group]["Projected demand growth (%)"] == pytest.approx(pct, rel=1e-9)
        assert (sheet[group]["From year"], sheet[group]["To year"]) == years
        assert (sheet[group]["Contracts ending within 12 months"], sheet[group]["Annual value ending within 12 months (£)"]) \
            == (n, value)
        # the brief's table
        b = brief[name]
        assert (b["Projected demand growth (%)"], int(b["From year"]), int(b["To year"])) == (f"{pct:.1f}%", *years)
        assert (int(b["Contracts ending within 12 months"]), b["Annual value ending within 12 months (£)"]) == \
            (n, _money(value))


@pytest.mark.browser
def test_care_contracts_ending_within_12_months_are_the_same_contracts(sample_read):
    """16 care contracts end between 1 June 2017 and 31 May 2018 (the library kiosks' contract is not
    care and is left out everywhere): the Opportunities page's list and the brief's hold the same
    contracts, and the CSV's counts by client group add up to the 14 of them that have one (community
    support contracts serve every group)."""
    page = _table(sample_read["pages"]["/opportunities"], "opportunities-contracts-chart-table")
    brief = _brief_rows(sample_read["brief_tables"], "Care contracts ending within 12 months")
    assert len(page) == len(brief) == 16
    assert sorted((r["Title"], r["End date"], r["Annual value (£)"]) for r in page) == \
        sorted((r["Title"], r["End date"], r["Annual value (£)"]) for r in brief)
    assert "Library Self-Service Kiosks" not in {r["Title"] for r in page + brief}
    grouped = sum(1 for r in page if r["Client group"] != "Across client groups")  # not community support
    assert sample_read["csv"]["opportunities"]["contracts_ending_12m"].sum() == grouped == 14


@pytest.mark.browser
def test_beds_today_and_needed_at_the_horizon_are_one_answer(sample_read):
    """672 registered beds; at 90% occupancy 604.8 occupied (171 residential, 433.8 nursing); the
    council funds 448 people aged 65+ in care homes in the area (320 residential, 128 nursing) and
    252 outside it (155 + 97); holding today's ratio 867 beds are needed in 2030 (672 x 16,000 /
    12,400 = 867.1), 195 more. Demand vs supply, the Overview's finding, Market health's supply
    marks, the CSV, the workbook and the brief agree."""
    pages = sample_read["pages"]
    gaps_text, overview, market = pages["/gaps"]["text"], pages["/"]["text"], pages["/market-health"]["text"]
    assert "about 605 of them are in use" in gaps_text
    assert ("the council funds 448 people aged 65 and over in care homes in the area and 252 placed outside it "
            "(residential 320 in the area; nursing 128 in the area)") in gaps_text
    position = {r["Type"]: r for r in _table(pages["/gaps"], "gaps-position-chart-table")}
    assert [(_number(position[t]["Occupied beds"]), _number(position[t]["Council funded in area"]),
             _number(position[t]["Council funded out of area"])) for t in ("Residential", "Nursing")] == \
        [(171, 320, 155), (433.8, 128, 97)]
    assert "155 of 475 council-funded people (33%) placed out of area" in market  # residential: 320 + 155
    assert "97 of 225 council-funded people (43%) placed out of area" in market  # nursing: 128 + 97
    beds = sample_read["csv"]["beds_needed"].set_index("year")
    assert beds.loc[2030, "beds_needed"] == pytest.approx(672 * 16000 / 12400)
    ws = sample_read["xlsx"][sheet_title("beds_needed")]
    sheet = {r[0]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    assert sheet[2030][3] == pytest.approx(867.0967742) and sheet[2030][5] == pytest.approx(195.0967742)
    page_beds = {r["Year"]: r for r in _table(pages["/gaps"], "gaps-beds-chart-table")}
    assert (page_beds["2030"]["Beds needed"], page_beds["2030"]["Beds needed less beds today"]) == ("867", "195")
    assert "867 beds in all care homes would be needed in 2030: 195 more than the 672 registered today" in gaps_text
    assert "867 beds would be needed in 2030: 195 more than the 672 registered in 2017" in overview
    brief = sample_read["brief"]
    assert "867 beds would be needed in 2030: 195 more than the 672 registered in 2017" in brief  # the finding
    assert "would need 867 beds in 2030: 195 more than the 672 registered today" in brief  # Demand versus supply
    assert "at 90% occupancy about 605 of them are in use" in brief
    assert "The council funds 448 people aged 65 and over in care homes in the area and 252 placed outside it" in brief
    assert "1,084 beds" not in brief  # 2035, beyond the horizon, is not what the brief quotes


@pytest.mark.browser
def test_kpi_values_are_one_answer(sample_read):
    """Each indicator's latest value (falls 2,712.3 per 100,000 aged 65+; alcohol-related admissions
    146.1; hip fractures 601.3): the Performance page's table, the CSV, the workbook and the brief's
    indicators table."""
    import pandas as pd
    csv = sample_read["csv"]["kpis"]
    latest = csv.sort_values("year").groupby(["indicator_id", "sex", "age"], as_index=False).last()
    page = _table(sample_read["pages"]["/performance"], "performance-chart-table")
    brief = _brief_rows(sample_read["brief_tables"], "Latest indicators")
    assert len(page) == len(latest) == len(brief) == 12
    ws = sample_read["xlsx"][sheet_title("kpis")]
    header = [c.value for c in ws[1]]
    sheet = pd.DataFrame(list(ws.iter_rows(min_row=2, values_only=True)), columns=header)
    for r in latest.itertuples():
        shown = [p for p in page if int(p["Indicator id"]) == r.indicator_id and p["Sex"] == r.sex and p["Age"] == r.age]
        assert len(shown) == 1, r
        text = shown[0]["Value"]
        decimals = len(text.split(".")[1]) if "." in text else 0
        assert _number(text) == round(r.value, decimals), (r.indicator_name, text, r.value)
        in_brief = [b for b in brief if b["Period"] == shown[0]["Period"] and b["Sex"] == r.sex and b["Value"] == text]
        assert in_brief, (r.indicator_name, text)
        cell = sheet[(sheet["Indicator id"] == r.indicator_id) & (sheet["Sex"] == r.sex) & (sheet["Year"] == r.year)
                     & (sheet["Age"] == r.age)]["Value"]
        assert list(cell) == [pytest.approx(r.value)], r.indicator_name
    falls = [p["Value"] for p in page if int(p["Indicator id"]) == 22401]
    assert falls == ["2,712.3"]


# --- An authority with only national files -------------------------------------------------

# Figures of the sample's authority that must never appear under another authority's name.
SAMPLE_FIGURES = ["68,737", "117,839", "867", "672", "605", "448", "252", "26,800", "43,400", "61.9%", "62%",
                  "£5.1m", "£21.4m", "2,712", "146.1", "601.3", "54.2"]


@pytest.fixture(scope="module")
def southwark_read(national_store, tmp_path_factory):
    out = tmp_path_factory.mktemp("one-answer-southwark")
    _mps("export", "--store", national_store, "--authority", SOUTHWARK, "--out", out / "csv", "--format", "csv")
    _mps("export", "--store", national_store, "--authority", SOUTHWARK, "--out", out / "t.xlsx", "--format", "xlsx")
    _mps("brief", "--store", national_store, "--authority", SOUTHWARK, "--out", out / "brief.html")
    import html
    import pandas as pd
    page = (out / "brief.html").read_text(encoding="utf-8")
    tables = _html_tables(page)
    # The brief's list of the store's files names the sample authority's council files (their names):
    # not a figure of its, and left out of what is read here.
    page = page[:page.find("<caption>Source files</caption>")] if "<caption>Source files</caption>" in page else page
    page = re.sub(r"<table>.*?</table>", " ", page, flags=re.S)  # tables are read row by row (_own_rows)
    return {"pages": _read_pages(national_store, [f"{p}?authority={SOUTHWARK}" for p in NATIONAL_PAGES]),
            "csv": {p.stem: pd.read_csv(p, dtype=str, keep_default_na=False) for p in (out / "csv").glob("*.csv")},
            "xlsx": load_workbook(out / "t.xlsx"),
            "brief": html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))), "brief_tables": tables}


def _own_rows(rows) -> list[str]:
    """Table rows as text, less those of a comparator authority (a cell that says "comparator")."""
    return [" ".join(r) for r in rows if not any(c.lower() in ("comparator", "comparator authority") for c in r)]


def _figure(text: str, figure: str) -> bool:
    """Whether `figure` stands in `text` as a number of its own (not inside 1,672 or 86.72)."""
    return re.search(rf"(?<![\d.,£]){re.escape(figure)}(?![\d]|[.,]\d)", text) is not None


@pytest.mark.browser
def test_an_authority_with_only_national_files_sees_its_own_figures_or_is_told(southwark_read):
    """Southwark in a store whose council files are the sample's: its pages show its own figures (4
    older people's care homes with 208 beds in the CQC directory, 187 occupied at 90%; campylobacter
    66.1 per 100,000 in 2017) and none of the sample authority's; where its data is missing the page
    says so (no projections, no council activity, no contracts register), never 0."""
    pages = southwark_read["pages"]
    q = f"?authority={SOUTHWARK}"
    for path, page in pages.items():
        # What the page says of Southwark: its prose and its tables' rows, less the rows of comparator
        # authorities (the sample's authority is one of Southwark's London comparators, named as such).
        # The sample's name may also stand as a choice (the Population page's areas with projections)
        # and in the notice that says whose council files the store holds, and in the line that names
        # the comparator authorities.
        said = page["prose"] + " " + " ".join(_own_rows(r for t in page["tables"] for r in t["rows"]))
        found = [f for f in SAMPLE_FIGURES if _figure(said, f)]
        assert not found, (path, found)
        assert "Lewisham" not in said, path
    gaps_text = pages[f"/gaps{q}"]["text"]
    assert "Registered: 208 beds in 4 older people's care homes" in gaps_text
    assert "about 187 of them are in use" in gaps_text
    assert "Council-funded: no council activity file is loaded, so council-funded beds are not known." in gaps_text
    assert "No population projections for people aged 75 and over" in gaps_text
    supply = pages[f"/supply{q}"]["text"]
    assert "Not known: no council activity file is loaded for Southwark" in supply
    opp = pages[f"/opportunities{q}"]["text"]
    assert "contracts ending are not known (no contracts register is loaded)" in opp
    assert "no care contract ends" not in opp  # unknown is not none
    table = _table(pages[f"/opportunities{q}"], "opportunities-chart-table")
    assert {(r["Care contracts ending"], r["Annual value ending (£)"]) for r in table} == {("", "")}
    perf = _table(pages[f"/performance{q}"], "performance-chart-table")
    assert [r["Value"] for r in perf if r["Period"] == "2017" and r["Sex"] == "Persons"] == ["66.1"]
    assert "No neighbourhood lookup is loaded" in pages[f"/neighbourhoods{q}"]["text"]


@pytest.mark.browser
def test_an_authority_with_only_national_files_exports_and_briefs_its_own_figures(southwark_read):
    """Southwark's CSV, workbook and brief: campylobacter 66.1 (207 cases / 313,223 people x 100,000)
    as on its Performance page; its 208 beds and 187 occupied; no contract counts (blank, not 0)
    without a contracts register; none of the sample authority's figures."""
    csv = southwark_read["csv"]
    kpi = csv["kpis"]
    assert set(kpi["area_code"]) == {SOUTHWARK}
    latest = kpi[(kpi["year"] == "2017") & (kpi["sex"] == "Persons") & (kpi["age"] == "All ages")]
    assert len(latest) == 1 and round(float(latest["value"].iloc[0]), 1) == round(207 / 313_223 * 100_000, 1) == 66.1
    opp = csv["opportunities"]
    for column in [c for c in opp.columns if c.startswith(("contracts_", "annual_value_"))]:
        assert set(opp[column]) == {""}, column
    ws = southwark_read["xlsx"][sheet_title("opportunities")]
    header = [c.value for c in ws[1]]
    assert {r[header.index("Contracts ending within 12 months")] for r in ws.iter_rows(min_row=2, values_only=True)} \
        == {None}
    brief = southwark_read["brief"]
    assert "Today 208 beds in 4 older people's care homes are registered with the CQC; at 90% occupancy about 187" \
        in brief
    assert "the care home places the council funds are not known" in brief
    rows = _own_rows(r for caption, table in southwark_read["brief_tables"].items() if caption != "Source files"
                     for r in table)
    # The brief names the comparator authorities in one sentence; the sample's authority is one of them.
    said = re.sub(r"Comparator authorities: [^.]*\.", "", brief) + " " + " ".join(rows)
    found = [f for f in SAMPLE_FIGURES if _figure(said, f)]
    assert not found and "Lewisham" not in said, found
    kpis = southwark_read["xlsx"][sheet_title("kpis")]
    header = [c.value for c in kpis[1]]
    assert {r[header.index("Area")] for r in kpis.iter_rows(min_row=2, values_only=True)} == {"Southwark"}
    beds = southwark_read["xlsx"][sheet_title("beds_needed")]
    assert beds.max_row == 1  # no projections for Southwark: no rows, not the sample's 867
