"""Census tables as councils and ONS publish them: Trafford Data Lab's real
Census 2021 ward tables in the long layout, the same pivoted wide, the census year read from the
file, every column used or named, other authorities' wards kept out; and the Trafford "done when":
its files with the national Fingertips and GP files and no CQC directory ingest for E08000009, the
export holds 5,087 people giving 50+ hours of unpaid care a week over its 21 wards, labelled 2021,
and the brief and every page build.

Figures below are worked out by hand from the real files in ../shared/real/trafford-data-lab/
census_areas/ (e.g. the 21 wards' "Provides 50 or more hours unpaid care a week" rows add up to
5,087, as does Trafford's row of 2021_unpaid_care_la_gm.csv).
"""
import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from conftest import real_file
from loaders.errors import InputError
from loaders.sheets import read_sheets

TRAFFORD = "E08000009"
CENSUS = "trafford-data-lab/census_areas/"
KINDS = ("unpaid_care", "general_health", "disability")
BOUNDARY = "trafford-data-lab/ward_boundaries/trafford_ward_2022_full_resolution.geojson"
NATIONAL = ("fingertips/fingertips-county-ua-campylobacter-2015-17.csv", "fingertips/fingertips-gp-practice-imd2019.csv",
            "nhs-digital/gp-reg-pat-prac-all-jan2021.csv")
LEWISHAM_FILES = ("lewisham-open-data/census2011_health_unpaid_care_wd22.csv",
                  "lewisham-open-data/census2011_health_unpaid_care_references.csv", "lewisham-open-data/lbl_wd22.geojson")


def ward_file(kind: str) -> Path:
    return real_file(f"{CENSUS}2021_{kind}_ward_trafford.csv")


def la_file(kind: str) -> Path:
    return real_file(f"{CENSUS}2021_{kind}_la_gm.csv")


@pytest.fixture
def trafford():
    from loaders import LoadContext
    return LoadContext(area_code=TRAFFORD, area_name="Trafford")


def boundary_copy(folder: Path, drop: set[str] = frozenset()) -> Path:
    """Trafford's real 2022 ward boundaries. Its properties are `area_code`/`area_name`, which the
    boundary loader learns on another branch; here they are copied under the
    names it reads today (`code`/`name`), geometry untouched. `drop`: wards left out."""
    data = json.loads(real_file(BOUNDARY).read_text())
    data["features"] = [dict(f, properties={"code": f["properties"]["area_code"], "name": f["properties"]["area_name"]})
                        for f in data["features"] if f["properties"]["area_code"] not in drop]
    out = folder / "trafford_ward_2022_full_resolution.geojson"
    out.write_text(json.dumps(data))
    return out


def pivot_wide(src: Path, out: Path, *, period: bool = False, title: str | None = None) -> Path:
    """The long file pivoted to one column per category, as a user would with a spreadsheet."""
    long = pd.read_csv(src)
    category = [c for c in long.columns if c not in ("area_code", "area_name", "geography", "period", "indicator",
                                                     "measure", "unit", "value")][0]
    index = ["area_code", "area_name"] + (["period"] if period else [])
    wide = long.pivot_table(index=index, columns=category, values="value", aggfunc="sum").reset_index()
    wide.columns.name = None
    text = wide.to_csv(index=False)
    out.write_text((f"{title}\n" if title else "") + text)
    return out


# --------------------------------------------------------------------------- the loader, long and wide

def test_trafford_long_unpaid_care_is_census_2021_with_every_band(trafford):
    from loaders import census_wards
    r = census_wards.load(read_sheets(ward_file("unpaid_care")), trafford)
    f = r.frame
    assert set(f["census_year"]) == {2021} and f["area_code"].nunique() == 21 and set(f["area_type"]) == {"ward"}
    by = f.groupby("measure")["value"].sum()
    # Each band summed by hand over the 21 wards of 2021_unpaid_care_ward_trafford.csv.
    assert by["unpaid_care_50_plus"] == 5087 and by["unpaid_care_9_or_less"] == 7365
    assert by["unpaid_care_10_19"] == 2692 and by["unpaid_care_20_34"] == 1767 and by["unpaid_care_35_49"] == 1913
    assert by["no_unpaid_care"] == 202762
    # The file gives no total: it is the sum of its six categories (residents aged 5+): Altrincham
    # 11,336 + 397 + 124 + 70 + 65 + 183 = 12,175.
    altrincham = f[f["area_code"] == "E05000819"].set_index("measure")["value"]
    assert altrincham["total_unpaid_care"] == 12175 and by["total_unpaid_care"] == 221586
    assert r.rows_read == 126 and len(f) == 126 + 21
    # Every column is read or named: geography, indicator and unit are not read.
    assert any("not used" in w and "'geography'" in w and "'indicator'" in w and "'unit'" in w for w in r.warnings)


def test_disability_and_general_health_2021_keep_every_category(trafford):
    from loaders import census_wards
    dis = census_wards.load(read_sheets(ward_file("disability")), trafford).frame
    assert set(dis["measure"]) == {"limited_a_lot", "limited_a_little", "not_limited_with_condition",
                                   "no_long_term_condition", "total_long_term_illness"}
    assert dis.groupby("measure")["value"].sum()["limited_a_lot"] == 15919
    health = census_wards.load(read_sheets(ward_file("general_health")), trafford).frame
    assert set(health["census_year"]) == {2021}
    assert health.groupby("measure")["value"].sum()["total_general_health"] == 235058


def test_the_authority_file_keeps_trafford_and_names_the_other_nine(trafford):
    from loaders import census_wards
    r = census_wards.load(read_sheets(la_file("unpaid_care")), trafford)
    assert set(r.frame["area_code"]) == {TRAFFORD}
    assert r.frame.set_index("measure")["value"]["unpaid_care_50_plus"] == 5087
    named = next(w for w in r.warnings if "kept out" in w)
    assert named.startswith("9 other authority") and "E08000001 Bolton" in named


def test_pivoted_wide_the_2021_bands_give_the_year_and_no_column_is_dropped(tmp_path, trafford):
    from loaders import census_wards
    wide = pivot_wide(ward_file("unpaid_care"), tmp_path / "unpaid_wide.csv")
    sheets = read_sheets(wide)
    assert census_wards.sniff(sheets)
    r = census_wards.load(sheets, trafford)
    assert set(r.frame["census_year"]) == {2021}  # "Provides 9 hours or less" is 2021 wording
    assert r.frame.groupby("measure")["value"].sum()["unpaid_care_50_plus"] == 5087
    assert not any("not used" in w for w in r.warnings)  # all 6 category columns read, with code and name


def test_a_table_worded_alike_in_both_censuses_needs_its_year_stated(tmp_path, trafford):
    from loaders import census_wards
    wide = pivot_wide(ward_file("general_health"), tmp_path / "health.csv")
    with pytest.raises(InputError) as e:
        census_wards.load(read_sheets(wide), trafford)
    assert "does not say which census" in e.value.message and "census_year" in e.value.message
    assert "\n" not in e.value.message
    titled = pivot_wide(ward_file("general_health"), tmp_path / "health_titled.csv",
                        title="Census 2021: general health by ward")
    assert set(census_wards.load(read_sheets(titled), trafford).frame["census_year"]) == {2021}
    dated = pivot_wide(ward_file("general_health"), tmp_path / "health_dated.csv", period=True)
    r = census_wards.load(read_sheets(dated), trafford)
    assert set(r.frame["census_year"]) == {2021} and r.frame.groupby("measure")["value"].sum()["bad_health"] == 8411


def test_2011_wording_under_a_2021_date_is_refused_by_name(tmp_path, ctx):
    from loaders import census_wards
    src = real_file("lewisham-open-data/census2011_health_unpaid_care_wd22.csv").read_text().splitlines()
    src[0] = src[0] + ",period"
    bad = tmp_path / "census.csv"
    bad.write_text("\n".join([src[0]] + [line + ",2021-03-21" for line in src[1:]]))
    with pytest.raises(InputError) as e:
        census_wards.load(read_sheets(bad), ctx)
    assert "is Census 2011 wording, but the file says 2021" in e.value.message and "census.csv" in e.value.message


def test_lewisham_2011_tables_still_read_as_2011_and_the_unused_column_is_named(ctx):
    from loaders import census_wards
    refs = census_wards.load(read_sheets(real_file("lewisham-open-data/census2011_health_unpaid_care_references.csv")),
                             ctx)
    assert set(refs.frame["census_year"]) == {2011}
    assert any("'Rural Urban'" in w for w in refs.warnings)


def test_long_rows_of_unknown_categories_and_percentages_are_named(tmp_path, trafford):
    from loaders import census_wards
    rows = list(csv.reader(ward_file("unpaid_care").open()))
    extra = [rows[1][:5] + ["Does not apply"] + rows[1][6:], rows[1][:6] + ["Percent"] + rows[1][7:]]
    path = tmp_path / "long.csv"
    with path.open("w", newline="") as f:
        csv.writer(f).writerows(rows + extra)
    r = census_wards.load(read_sheets(path), trafford)
    assert any("1 row(s) of categories" in w and "'Does not apply' (1)" in w for w in r.warnings)
    assert any("not counts of people" in w and "'Percent' (1)" in w for w in r.warnings)
    assert r.frame.groupby("measure")["value"].sum()["unpaid_care_50_plus"] == 5087


# --------------------------------------------------------------------------- any subset of measures

@pytest.mark.parametrize("kind", KINDS)
def test_one_census_topic_alone_builds_every_census_view(tmp_path, kind):
    """A store whose census holds one table only (no residents total, or no carers): no KeyError in
    the ward table, the Neighbourhoods census view, the area profile or residents against patients."""
    from loaders.store import ingest
    from metrics.places import area_profile, areas, neighbourhoods
    from store import Store
    from metrics.tables import mps_tables
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(ward_file(kind), src)
    assert ingest(src, tmp_path / "store", authority=TRAFFORD).ok
    s = Store(tmp_path / "store")
    table = mps_tables(s)["census_wards"]
    assert table[table["area_type"] == "ward"]["area_code"].nunique() == 21
    assert set(table["census_year"]) == {2021}
    cw = areas.census_by_ward(s)
    assert len(cw) == 21 and ("residents" in cw) == (kind != "unpaid_care")  # 2021 unpaid care counts aged 5+
    neighbourhoods.resident_vs_registered(s)
    profile = area_profile.indicators(s, area_profile.find_area(s, "E05000819"))
    assert len(profile) and set(profile["census_year"]) == {2021}


# --------------------------------------------------------------------------- rows of another authority

def test_trafford_wards_in_lewishams_folder_are_named_and_kept_out(tmp_path):
    from loaders.store import ingest
    from metrics.places import area_profile
    from store import Store
    src = tmp_path / "src"
    src.mkdir()
    (src / "mps.toml").write_text('area_code = "E09000023"\n')
    for name in LEWISHAM_FILES:
        shutil.copy(real_file(name), src)
    for kind in KINDS:
        shutil.copy(ward_file(kind), src)
    boundary_copy(src)
    report = ingest(src, tmp_path / "store")
    assert report.ok
    by_file = {f.path.name: f for f in report.files}
    named = by_file["2021_unpaid_care_ward_trafford.csv"].warnings
    assert any(w.startswith("21 ward(s) not in the authority's profile wards") and "E05000819 Altrincham" in w
               for w in named)
    assert by_file["2021_unpaid_care_ward_trafford.csv"].rows_kept == 0
    assert any(w.startswith("21 ward(s) not in the authority's profile wards") and "Altrincham" in w
               for w in by_file["trafford_ward_2022_full_resolution.geojson"].warnings)
    s = Store(tmp_path / "store")
    known = area_profile.areas(s)
    assert len(known[known["level"] == "ward"]) == 19 and not known["code"].str.startswith("E050008").any()
    c = s.table("census")
    assert set(c[c["area_type"] == "ward"]["area_code"]).isdisjoint({f"E05000{n}" for n in range(819, 840)})
    assert set(c["census_year"]) == {2011}
    assert s.table("boundaries")["ward_code"].nunique() == 19


def test_without_a_profile_the_boundary_file_defines_the_wards(tmp_path):
    from loaders.store import ingest
    from store import Store
    from metrics.tables import mps_tables
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(ward_file("unpaid_care"), src)
    boundary_copy(src, drop={"E05000819"})  # Altrincham is not in this boundary file
    report = ingest(src, tmp_path / "store", authority=TRAFFORD)
    assert report.ok
    census = next(f for f in report.files if f.path.name == "2021_unpaid_care_ward_trafford.csv")
    assert any(w.startswith("1 ward(s) not in the authority's ward boundary file") and "E05000819 Altrincham" in w
               for w in census.warnings)
    t = mps_tables(Store(tmp_path / "store"))["census_wards"]
    wards = t[(t["area_type"] == "ward") & (t["measure"] == "unpaid_care_50_plus")]
    assert len(wards) == 20 and wards["value"].sum() == 5087 - 183  # Altrincham gave 183


# --------------------------------------------------------------------------- Trafford, done when

@pytest.fixture(scope="module")
def trafford_store(tmp_path_factory):
    """Trafford's census files as published (ward and Greater Manchester tables), its ward
    boundaries, the national Fingertips and GP files, no CQC directory and no profile."""
    from loaders.store import ingest
    root = tmp_path_factory.mktemp("trafford")
    src = root / "src"
    src.mkdir()
    for kind in KINDS:
        shutil.copy(ward_file(kind), src)
        shutil.copy(la_file(kind), src)
    for name in NATIONAL:
        shutil.copy(real_file(name), src)
    boundary_copy(src)
    report = ingest(src, root / "store", authority=TRAFFORD)
    assert report.ok, [f.error for f in report.files if f.error]
    return root / "store"


def test_trafford_export_holds_its_census_2021_ward_counts(trafford_store, tmp_path):
    out = tmp_path / "tables"
    run = subprocess.run([sys.executable, "-m", "mps_cli", "export", "--store", str(trafford_store), "--out", str(out),
                          "--format", "csv"], capture_output=True, text=True, cwd=Path(__file__).parent.parent)
    assert run.returncode == 0, run.stderr
    t = pd.read_csv(out / "census_wards.csv")
    band = t[(t["measure"] == "unpaid_care_50_plus")].set_index("area_type")
    wards = t[(t["area_type"] == "ward") & (t["measure"] == "unpaid_care_50_plus")]
    assert len(wards) == 21 and wards["value"].sum() == 5087 and set(t["census_year"]) == {2021}
    assert band.loc["wards_total", "value"] == 5087 and band.loc["la", "value"] == 5087
    assert band.loc["wards_total", "difference"] == 0
    # Where ONS's perturbation makes the wards differ from Trafford's row, the difference is said:
    # 9 hours or less, 7,365 over the wards against 7,362 in the authority file.
    small = t[(t["measure"] == "unpaid_care_9_or_less") & (t["area_type"] == "wards_total")].iloc[0]
    assert small["difference"] == 3
    # Shares: Altrincham, 183 of 12,175 residents aged 5+ give 50+ hours (1.503%); Trafford 5,087 of 221,585.
    alt = t[(t["area_code"] == "E05000819") & (t["measure"] == "unpaid_care_50_plus")].iloc[0]
    assert alt["area_name"] == "Altrincham" and round(alt["share_pct"], 3) == 1.503
    assert round(alt["authority_share_pct"], 3) == round(5087 / 221585 * 100, 3)
    carers = t[(t["measure"] == "unpaid_carers") & (t["area_type"] == "la")].iloc[0]
    assert carers["value"] == 221585 - 202763  # Trafford's row: everyone in the table less those giving none
    readme = (out / "README.txt").read_text()
    assert "census_wards.csv" in readme


def test_trafford_brief_and_every_page_build(trafford_store, tmp_path):
    from exports.brief import write_brief
    from store import Store
    from test_robustness import all_callbacks_succeed
    write_brief(Store(trafford_store), tmp_path / "pack.html")
    assert (tmp_path / "pack.html").stat().st_size > 0
    layouts = all_callbacks_succeed(trafford_store)
    page = layouts["/neighbourhoods"]
    assert "Census 2021 by ward" in page and "Altrincham" in page and "area?code=E05000819" in page  # (Dash escapes "/")

    from app import create_app
    from benchmarks.bench_callbacks import payload
    client = create_app(trafford_store).server.test_client()
    router = next(d for d in client.get("/_dash-dependencies").get_json() if "_pages_content" in d["output"])
    profile = client.post("/_dash-update-component", json=payload(router, ["/area", "?code=E05000819"]))
    text = profile.get_data(as_text=True)
    assert profile.status_code == 200 and "Census 2021" in text and "Unpaid care, 50 or more hours a week" in text
    assert '"183"' in text and '"1.5%"' in text  # Altrincham: 183 people, 1.5% of its residents aged 5+


def test_a_bare_total_column_is_its_topics_total_or_named_when_unclear(tmp_path, trafford):
    """Altrincham's general health (Census 2021) as one wide row under a title line: the `Total`
    column is all usual residents, 12,931 = 7,484 + 3,897 + 1,142 + 318 + 90; a column the lookup
    does not know is named. Beside a second topic, whose total `Total` is cannot be told: named."""
    from loaders import census_wards
    one = tmp_path / "health.csv"
    one.write_text("Census 2021 general health\ncode,name,Total,Very good health,Good health,Fair health,Bad health,"
                   "Very bad health,Notes\nE05000819,Altrincham,12931,7484,3897,1142,318,90,x\n")
    r = census_wards.load(read_sheets(one), trafford)
    assert r.frame.set_index("measure")["value"]["total_general_health"] == 12931
    assert set(r.frame["census_year"]) == {2021} and any("'Notes'" in w for w in r.warnings)
    two = tmp_path / "two.csv"
    two.write_text("code,name,Total,Very good health,Good health,Fair health,Provides no unpaid care,"
                   "Provides 9 hours or less unpaid care a week\nE05000819,Altrincham,12931,7484,3897,1142,11336,397\n")
    r = census_wards.load(read_sheets(two), trafford)
    assert any("'Total' column is left out" in w for w in r.warnings) and "total" not in set(r.frame["measure"])
