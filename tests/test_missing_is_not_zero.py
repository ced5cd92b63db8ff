"""Missing is never zero, and an accepted file never breaks an output.

A property-based test builds stores from random subsets of the sample's kinds of input file (and
random optional columns dropped from a file), then reads what a user gets: every CSV of
`mps export`, the workbook, the brief (HTML, and the PDF is built), every page and every page
callback. Where the store holds no file of a kind, the cells that kind alone gives
(`domain.contract.NO_DATA`) are blank or their rows absent, never 0; no chart is bare axes; no
output fails. Beside it, examples pinned by hand: supply.csv without a CQC directory, the Supply
page and the brief saying the directory is missing, the editions counted truthfully, another
authority's view of a directory that holds none of its locations.
"""
from __future__ import annotations

import atexit
import csv
import io
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings, strategies as st

from conftest import SAMPLE
from test_partial_matrix import SOURCES
from domain.contract import sheet_title

# Optional columns a publisher's file may lack (the file is still accepted, or refused in one named
# line): (the source, the file's glob, its sheet or None for CSV, the header to drop).
DROPPABLE = [
    ("cqc", "01_June_2017_HSCA*", "HSCA_Active_Locations", "Location Latest Overall Rating"),
    ("cqc", "01_June_2017_HSCA*", "HSCA_Active_Locations", "Publication Date"),
    ("cqc", "01_June_2017_HSCA*", "HSCA_Active_Locations", "Brand ID"),
    ("cqc", "01_June_2017_HSCA*", "HSCA_Active_Locations", "Location Latitude"),
    ("cqc", "01_June_2017_HSCA*", "HSCA_Active_Locations", "Location Inspection Directorate"),
    ("cqc", "01_December_2016_HSCA*", "HSCA_Active_Locations", "Location Latest Overall Rating"),
    ("fingertips", "fingertips_lewisham_indicators.csv", None, "Lower CI 95.0 limit"),
    ("fingertips", "fingertips_lewisham_indicators.csv", None, "Compared to England value or percentiles"),
    ("fingertips", "fingertips_lewisham_indicators.csv", None, "Count"),
    ("gp_registrations", "gp-reg-pat-prac-quin-age.csv", None, "POSTCODE"),
    ("council_activity", "council_activity.csv", None, "Location"),
    ("contracts", "lewisham_council_contracts_register.csv", None, "Estimated Annual Value"),
    ("contracts", "lewisham_council_contracts_register.csv", None, "End Date"),
    ("workforce", "LA-data-download-2016-17.xlsx", "LA level data", "Vacancy rate"),
    ("workforce", "LA-data-download-2016-17.xlsx", "LA level data", "Median hourly pay"),
    ("council_finance", "council_finance.csv", None, "Note"),
]

_WORK = Path(tempfile.mkdtemp(prefix="mps-missing-"))
atexit.register(shutil.rmtree, _WORK, True)  # the stores built here go when the test run ends
_STORES: dict = {}   # (sources, dropped) -> (report, store path): ingest once per subset


def _drop_column(path: Path, sheet: str | None, header: str) -> None:
    if sheet is None:
        text = path.read_text(encoding="utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))
        at = rows[0].index(header)
        with open(path, "w", newline="", encoding="utf-8") as f:
            csv.writer(f).writerows([r[:at] + r[at + 1:] for r in rows])
        return
    from openpyxl import load_workbook
    wb = load_workbook(path)
    ws = wb[sheet]
    for row in ws.iter_rows(min_row=1, max_row=10):
        for cell in row:
            if cell.value == header:
                ws.delete_cols(cell.column)
                wb.save(path)
                return
    raise AssertionError(f"{path.name}: no column {header!r}")


def build(sources: frozenset, dropped: tuple | None):
    key = (sources, dropped)
    if key in _STORES:
        return _STORES[key]
    from loaders.store import ingest
    root = _WORK / f"case{len(_STORES)}"
    src = root / "src"
    src.mkdir(parents=True)
    for s in sources:
        for g in SOURCES[s]:
            for p in SAMPLE.glob(g):
                shutil.copy(p, src)
    shutil.copy(SAMPLE / "mps.toml", src)
    if dropped:
        _, glob, sheet, header = dropped
        for p in src.glob(glob):
            _drop_column(p, sheet, header)
    report = ingest(src, root / "store")
    _STORES[key] = (report, root / "store")
    return _STORES[key]


def _csv_cells(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _rule_rows(rule, rows: list[dict], key) -> list:
    if rule.rows:
        column, values = rule.rows
        rows = [r for r in rows if key(r, column) in values]
    return rows


def check_no_invented_numbers(store, kinds: set[str], csv_dir: Path, xlsx: Path, skip=()) -> None:
    """Every NO_DATA rule whose kind the store lacks (but the tables in ``skip``): its cells are
    blank in every CSV and in the workbook."""
    from openpyxl import load_workbook

    from domain.contract import NO_DATA
    from exports.xlsx_export import sheet_columns
    from metrics.tables import mps_tables

    wb = load_workbook(xlsx, read_only=True)
    tables = mps_tables(store)
    for rule in NO_DATA:
        if not rule.applies(kinds) or rule.table in skip:
            continue
        rows = _rule_rows(rule, _csv_cells(csv_dir / f"{rule.table}.csv"), lambda r, c: r[c])
        for r in rows:
            for c in rule.columns:
                assert r[c] == "", (f"{rule.table}.csv column {c} reads {r[c]!r} although the store holds no "
                                    f"{rule.kind} file", r)
        layout = sheet_columns(rule.table, tables[rule.table])
        where = {c.source: i for i, c in enumerate(layout) if c.source}
        sheet = list(wb[sheet_title(rule.table)].iter_rows(min_row=2, values_only=True))
        code = {c.source: i for i, c in enumerate(layout) if c.source}  # coded columns keep the code
        rows = _rule_rows(rule, sheet, lambda r, c: r[code[c]])
        for r in rows:
            for c in rule.columns:
                assert r[where[c]] in (None, ""), (f"workbook sheet {rule.table} column {c} reads {r[where[c]]!r} "
                                                   f"although the store holds no {rule.kind} file")


def check_pages(store_dir: Path, kinds: set[str]) -> dict[str, str]:
    """Every page, and every page callback (from the app's callback map) on its first selections:
    answered, no traceback, and no figure that is bare axes (the robustness test's driver, with
    this check on each answer)."""
    from layouts.figures import draws_nothing
    from test_robustness import all_callbacks_succeed

    def no_bare_axes(output, combo, answer):
        for component, props in answer.get("response", {}).items():
            figure = props.get("figure")
            if figure is not None:
                assert not draws_nothing(figure), (f"{component}: bare axes for {combo}", kinds)
    pages = all_callbacks_succeed(store_dir, combos=3, check=no_bare_axes)
    for path, text in pages.items():
        assert "Traceback" not in text, path
    return pages


@settings(max_examples=8, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(sources=st.sets(st.sampled_from(sorted(SOURCES)), min_size=1).map(frozenset),
       dropped=st.one_of(st.none(), st.sampled_from(DROPPABLE)))
@example(sources=frozenset(SOURCES) - {"cqc"}, dropped=None)  # the case: no CQC directory
@example(sources=frozenset(SOURCES) - {"gp_registrations", "caseloads"},
         dropped=DROPPABLE[0])  # no registrations or caseloads; a directory without ratings
def test_no_output_invents_a_number_for_a_kind_the_store_lacks(sources, dropped):
    from exports.brief import write_brief
    from exports.csv_export import write_csv_tables
    from exports.xlsx_export import write_workbook
    from sentences.coverage import directory_missing_sentence
    from store import Store

    if dropped and dropped[0] not in sources:
        dropped = None
    report, store_dir = build(sources, dropped)
    if not report.ok:  # a dropped column the loader needs: refused in one line naming the file
        assert dropped is not None, [f.error for f in report.files if f.error]
        errors = [f.error for f in report.files if f.error]
        assert len(errors) == 1 and "\n" not in errors[0] and dropped[1].split("*")[0].strip("_") in errors[0]
        assert "Traceback" not in errors[0]
        return
    store = Store(store_dir)
    kinds = {f.kind for f in store.manifest.files}
    out = store_dir.parent / "out"
    written = write_csv_tables(store, out / "csv")
    assert written
    xlsx = write_workbook(store, out / "tables.xlsx")
    check_no_invented_numbers(store, kinds, out / "csv", xlsx)
    assert write_brief(store, out / "brief.pdf").read_bytes().startswith(b"%PDF")
    brief = write_brief(store, out / "brief.html").read_text(encoding="utf-8")
    assert "Traceback" not in brief and ">None<" not in brief and ">nan<" not in brief
    pages = check_pages(store_dir, kinds)
    if "cqc" not in sources:
        said = directory_missing_sentence(store)
        assert said and said.replace("'", "&#x27;") in brief or said in brief
        assert "The store holds no CQC care directory" in pages["/supply"]
        assert "Community services registered with the CQC" not in brief
        assert "community-services-table" not in pages["/supply"]


# ---------------------------------------------------------------------------------------------
# Pinned by hand: the numbers and sentences a user reads

@pytest.fixture(scope="module")
def no_directory():
    report, store = build(frozenset(SOURCES) - {"cqc"}, None)
    assert report.ok
    return store


def test_supply_csv_is_blank_not_zero_without_a_directory(no_directory, tmp_path):
    from exports.csv_export import write_csv_tables
    from store import Store
    write_csv_tables(Store(no_directory), tmp_path)
    text = (tmp_path / "supply.csv").read_text(encoding="utf-8").splitlines()
    # The four community services stay listed, each with a blank count, year and source: unknown, not 0.
    for service in ("domiciliary_care", "supported_living", "extra_care", "shared_lives"):
        assert f",{service},locations,E09000023,la,all,,,," in text
    assert not any(",homes," in line or ",beds," in line for line in text)  # no care-home rows at all
    # The council's own counts are untouched: 512 new carers' contacts in 2014 (council_activity.csv row 97).
    assert "carers,carers_new_contacts,clients,E09000023,la,all,2014,512,council_activity.csv,97" in text
    assert (tmp_path / "beds_needed.csv").read_text().strip() == \
        "year,population,occupied_per_1000,beds_needed,beds_now,gap"
    hoods = _csv_cells(tmp_path / "neighbourhood_supply.csv")
    # North Lewisham: 10 practices and 1,932 registered patients aged 75+ (the sample's quinary file, ages
    # 75-79 to 95+ at the profile's N1 practices); homes and beds unknown.
    north = next(r for r in hoods if r["neighbourhood"] == "N1")
    assert (north["practices"], north["care_homes"], north["care_home_beds"], north["registered_75_plus"]) == \
        ("10", "", "", "1932")


def test_supply_page_and_brief_say_the_directory_is_missing(no_directory, tmp_path):
    from exports.brief import write_brief
    from store import Store
    from test_robustness import all_callbacks_succeed
    pages = all_callbacks_succeed(no_directory)
    supply_page = pages["/supply"]
    assert "No CQC care directory for Lewisham" in supply_page
    assert "The store holds no CQC care directory, so care homes, beds and community services for Lewisham" \
        in supply_page
    assert "care-home-table" not in supply_page and "community-services-table" not in supply_page
    brief = write_brief(Store(no_directory), tmp_path / "b.html").read_text(encoding="utf-8")
    assert "The store holds no CQC care directory, so care homes, beds and community services for Lewisham" in brief
    assert "Community services registered with the CQC" not in brief
    assert "supply: social care caseloads only. The store holds no CQC care directory" in brief
    assert "CQC-registered services placed by postcode" not in brief
    # The Overview and the brief count editions truthfully: none, not "one".
    assert "one CQC care directory edition" not in pages["/"] and "one CQC care directory edition" not in brief
    assert "The store holds no CQC care directory: add two or more monthly editions" in pages["/"]


def test_editions_are_counted_truthfully(sample_store, tmp_path):
    from app import create_app
    from metrics.coverage import directory
    from sentences.coverage import editions_sentence
    from store import Store
    s = Store(sample_store)
    # The sample holds two editions (December 2016 and June 2017), both with Lewisham's homes.
    assert directory(s).editions == ("2016-12-01", "2017-06-01") and directory(s).covers
    # The June edition alone: one edition, said once, the same on the Overview and the Market health page.
    src = tmp_path / "src"
    src.mkdir()
    for p in SAMPLE.iterdir():
        if "December_2016_HSCA" not in p.name and p.name != "README.md":
            shutil.copy(p, src)
    from loaders.store import ingest
    assert ingest(src, tmp_path / "store").ok
    single = Store(tmp_path / "store")
    sentence = editions_sentence(single)
    assert sentence == ("The store holds one CQC care directory edition (2017-06-01): add an earlier month's "
                        "file to see what changed.")
    client = create_app(tmp_path / "store").server.test_client()
    from benchmarks.bench_callbacks import payload
    deps = client.get("/_dash-dependencies").get_json()
    router = next(d for d in deps if "_pages_content" in d["output"])
    for path in ("/", "/market-health"):
        text = client.post("/_dash-update-component", json=payload(router, [path, ""])).get_data(as_text=True)
        assert "one CQC care directory edition (2017-06-01)" in text.replace("\\u0027", "'"), path


def test_another_authority_outside_the_directory_gets_blanks_not_zeros(sample_store, tmp_path):
    """Trafford (E08000009) seen in the sample's store: its ONS rows are there, but the sample's
    CQC directory holds only four London boroughs, so Trafford's supply is unknown, not 0."""
    from app import create_app
    from exports.brief import write_brief
    from exports.csv_export import write_csv_tables
    from sentences.coverage import directory_missing_sentence
    from store import Store
    trafford = Store(sample_store).for_authority("E08000009")
    said = directory_missing_sentence(trafford)
    assert said == ("The CQC care directory in the store (2 editions, the latest as at 2017-06-01) holds no "
                    "locations in Trafford, so Trafford's care homes, beds and community services are not shown: "
                    "add the national CQC care directory (HSCA_Active_Locations, from cqc.org.uk) and run mps "
                    "ingest again.")
    write_csv_tables(trafford, tmp_path)
    text = (tmp_path / "supply.csv").read_text(encoding="utf-8")
    assert ",domiciliary_care,locations,E08000009,la,all,,,," in text and ",0," not in text
    # Every cell the directory alone gives is blank for Trafford, in the CSVs and in the workbook.
    from exports.xlsx_export import write_workbook
    kinds = {f.kind for f in trafford.manifest.files} - {"cqc_locations"}
    # (quality.csv keeps the rows of the whole file and the comparators, which the directory does hold.)
    check_no_invented_numbers(trafford, kinds, tmp_path, write_workbook(trafford, tmp_path / "t.xlsx"),
                              skip={"quality"})
    assert not [r for r in _csv_cells(tmp_path / "quality.csv") if r["area_type"] == "la"]
    brief = write_brief(trafford, tmp_path / "b.html").read_text(encoding="utf-8")
    assert "holds no locations in Trafford" in brief
    client = create_app(sample_store).server.test_client()
    page = client.get("/supply?authority=E08000009").get_data(as_text=True)
    assert page  # the shell; the page body comes from the router callback below
    from benchmarks.bench_callbacks import payload
    deps = client.get("/_dash-dependencies").get_json()
    router = next(d for d in deps if "_pages_content" in d["output"])
    body = client.post("/_dash-update-component", json=payload(router, ["/supply", "?authority=E08000009"]))
    assert "holds no locations in Trafford" in body.get_data(as_text=True).replace("\\u0027", "'")


def test_a_census_table_without_its_total_breaks_no_output(tmp_path):
    """Lewisham's Census 2011 ward tables with the total column ('All categories') taken out of both
    files: accepted, and every output builds; the ward counts stay, and each share's base is the sum
    of its topic's categories, which the loader adds and says so (never a share of 0 or of nothing)."""
    from conftest import real_file
    from exports.brief import write_brief
    from exports.csv_export import write_csv_tables
    from exports.xlsx_export import write_workbook
    from loaders.store import ingest
    from metrics.places.areas import census_by_ward
    from store import Store
    from test_robustness import all_callbacks_succeed
    total = "All categories: Long-term health problem or disability"
    src = tmp_path / "src"
    shutil.copytree(SAMPLE, src)
    for name in ("census2011_health_unpaid_care_wd22.csv", "census2011_health_unpaid_care_references.csv"):
        shutil.copy(real_file(f"lewisham-open-data/{name}"), src / name)
        _drop_column(src / name, None, total)
    report = ingest(src, tmp_path / "store")
    assert report.ok, [f.error for f in report.files if f.error]
    store = Store(tmp_path / "store")
    wards = census_by_ward(store)
    # E05013714 (first row of the file): 957 residents limited a lot, 9.0% of the ward's categories summed.
    first = wards[wards["ward_code"] == "E05013714"].iloc[0]
    assert first["limited_a_lot"] == 957 and 0 < first["limited_a_lot_pct"] < 100
    notes = " ".join(w for f in report.files for w in f.warnings)
    assert "total" in notes.lower()
    assert write_csv_tables(store, tmp_path / "csv")
    assert write_workbook(store, tmp_path / "t.xlsx").stat().st_size > 0
    assert write_brief(store, tmp_path / "b.pdf").read_bytes().startswith(b"%PDF")
    assert "Traceback" not in write_brief(store, tmp_path / "b.html").read_text(encoding="utf-8")
    pages = all_callbacks_succeed(tmp_path / "store")
    assert "Traceback" not in pages["/neighbourhoods"]
    from app import create_app
    client = create_app(tmp_path / "store").server.test_client()
    from benchmarks.bench_callbacks import payload
    deps = client.get("/_dash-dependencies").get_json()
    router = next(d for d in deps if "_pages_content" in d["output"])
    r = client.post("/_dash-update-component", json=payload(router, ["/area", "?code=E05013714"]))
    assert r.status_code == 200 and "Traceback" not in r.get_data(as_text=True)


def pd_isna(v) -> bool:
    import pandas as pd
    return bool(pd.isna(v))


def test_a_chart_without_values_is_a_message_naming_the_file_not_bare_axes(no_directory):
    """The Neighbourhoods page's beds per 1,000 chart without a CQC directory: its rows hold blanks
    (homes and beds unknown), which plotly would draw as bare axes from -1 to 6; the page shows the
    missing file instead, and the table twin keeps the practices and patients it does know."""
    import json

    from app import create_app
    from benchmarks.bench_callbacks import payload
    from layouts import ids
    from layouts.figures import draws_nothing
    client = create_app(no_directory).server.test_client()
    deps = client.get("/_dash-dependencies").get_json()
    cb = next(d for d in deps if d["output"].startswith(f"..{ids.graph(ids.HOOD_SUPPLY_CHART)}.figure"))
    answer = json.loads(client.post("/_dash-update-component",
                                    json=payload(cb, [None] * len(cb["inputs"]))).get_data(as_text=True))["response"]
    figure = answer[ids.graph(ids.HOOD_SUPPLY_CHART)]["figure"]
    assert not draws_nothing(figure) and figure["data"] == []
    assert [a["text"] for a in figure["layout"]["annotations"]] == ["The store holds no CQC care directory."]
    assert answer[ids.source(ids.HOOD_SUPPLY_CHART)]["children"].startswith("The store holds no CQC care directory.")
    table = json.dumps(answer[ids.table(ids.HOOD_SUPPLY_CHART)]["children"])
    assert "1,932" in table  # North Lewisham's 1,932 registered patients aged 75+


def test_bare_axes_are_recognised():
    from layouts import figures
    import pandas as pd
    blank = pd.DataFrame({"name": ["A", "B"], "value": [float("nan"), None]})
    assert figures.draws_nothing(figures.bars(blank, "name", "value", "t"))
    assert figures.draws_nothing(figures.bars(blank, "name", "value", "t", horizontal=True))
    assert not figures.draws_nothing(figures.bars(blank.fillna(0), "name", "value", "t"))  # a real 0 is drawn
    assert not figures.draws_nothing(figures.empty("No CQC care directory"))
    # A dot plot of values against labels (the Performance spine) draws its x values: the sample's
    # Performance page showed "No data for this selection" over 12 indicators.
    dots = pd.DataFrame({"indicator_name": ["Falls", "Hip fractures"], "value": [2712.3, 601.3],
                         "lower_ci": [2600.0, 550.0], "upper_ci": [2800.0, 650.0], "england_value": [2169.4, 640.7],
                         "region_value": [2000.0, 600.0], "compared_to_england": ["worse", "similar"],
                         "compared_to_region": ["worse", "similar"], "period": ["2016/17"] * 2, "sex": ["Persons"] * 2,
                         "age": ["65+"] * 2, "polarity": ["low_is_good"] * 2})
    assert not figures.draws_nothing(figures.spine(dots, "t"))


def test_a_directory_without_ratings_gives_no_rating_counts(tmp_path):
    """The June 2017 directory without its 'Location Latest Overall Rating' column: quality.csv
    keeps Lewisham's 9 older people's nursing homes but leaves rated, not yet rated and Good blank
    (unknown, not '0 rated'), the segment's quality mark says the file gives no ratings, and the
    Supply page's rating view does not call the homes 'Not yet rated'."""
    from exports.csv_export import write_csv_tables
    from metrics.supply import segments, supply
    from store import Store
    report, store_dir = build(frozenset(SOURCES) - {"cqc"} | {"cqc"}, DROPPABLE[0])
    # Both editions keep their ratings but June's: the latest edition has none.
    assert report.ok
    store = Store(store_dir)
    write_csv_tables(store, tmp_path)
    rows = [r for r in _csv_cells(tmp_path / "quality.csv") if (r["segment"], r["area_type"]) == ("nursing_65", "la")]
    assert [(r["locations"], r["beds"], r["rated"], r["not_yet_rated"], r["good_or_outstanding"],
             r["pct_locations_good"]) for r in rows] == [("9", "482", "", "", "", "")]
    mark = segments.quality_mark(store, "nursing_65")
    assert mark.key == segments.NO_DATA and "gives no ratings" in mark.evidence
    assert set(supply.homes_by(store, "rating")["rating"]) == {"Rating not in the file"}
