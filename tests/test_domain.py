"""The vocabulary and the label dictionary: publishers' age-band strings parsed the one way, every
key a person reads has a label, and the numbers the defaults drive are pinned by hand."""
import csv

import pytest

from conftest import ROOT
from domain import labels, vocabulary as v
from domain.contract import EXPORT_TABLES


@pytest.mark.parametrize("text,band", [
    ("Aged 18-24", "18-24"), ("People aged 85 and over", "85+"), ("90 and over", "90+"), ("All ages", "all"),
    ("65+", "65+"), ("18 to 24", "18-24"), ("Aged 65-69", "65-69"), ("7", "7-7"), ("85 or over", "85+"),
    ("Total", "all"), ("Persons", None), ("", None), (None, None),
])
def test_parse_age_band_reads_what_publishers_write(text, band):
    assert v.parse_age_band(text) == band


def test_band_limits_and_inside():
    assert v.band_limits("65-69") == (65, 69)
    assert v.band_limits("85+")[0] == 85
    assert v.band_inside("70-74", "65+") and v.band_inside("90+", "75+")
    assert not v.band_inside("60-64", "65+") and not v.band_inside("65+", "65-69")


@pytest.mark.parametrize("age,band", [(0, "0-4"), (4, "0-4"), (67, "65-69"), (89, "85-89"), (90, "90+"), (104, "90+")])
def test_quinary_band(age, band):
    assert v.quinary_band(age) == band


def test_quinary_band_refuses_negative_ages():
    with pytest.raises(ValueError):
        v.quinary_band(-1)


def test_bands_covering_needs_the_lowest_age():
    quinary = ["60-64", "65-69", "70-74", "75-79", "80-84", "85-89", "90+"]
    assert v.bands_covering(quinary, "75+") == ["75-79", "80-84", "85-89", "90+"]
    assert v.bands_covering(["70-74", "75-79"], "65+") == []  # 65-69 missing: no honest sum


def test_age_overlap_years():
    assert v.age_overlap_years("60-64", 62, 200) == 3
    assert v.age_overlap_years("90+", 65, 200) == 111


def test_every_key_a_person_reads_has_a_label():
    assert set(v.CLIENT_GROUPS) == set(labels.CLIENT_GROUP_LABELS)
    with open(ROOT / "data" / "lookups" / "ipc_measures.csv", encoding="utf-8") as f:
        measures = {row["measure"] for row in csv.DictReader(f)} | {"population"}
    assert measures == set(labels.MEASURE_LABELS)
    assert set(v.SERVICE_TYPES) <= set(labels.SERVICE_TYPE_LABELS)
    assert set(v.POLARITIES) <= set(labels.POLARITY_LABELS)
    unlabelled = {c.name for t in EXPORT_TABLES.values() for c in t.all_columns} - set(labels.COLUMN_LABELS)
    assert unlabelled == set()


@pytest.mark.parametrize("value,text", [(1_234_567, "£1.2m"), (45_600, "£46k"), (950, "£950"), (-2_500_000, "-£2.5m"),
                                        (None, ""),
                                        # one rule, half up, for every amount (binary floats gave £1.9m here
                                        # beside £3.9m for 3,850,000)
                                        (1_950_000, "£2.0m"), (3_850_000, "£3.9m"), (1_150_000, "£1.2m"),
                                        (999_499, "£999k"), (999_500, "£1.0m"), (2_500, "£3k"), (999.5, "£1k")])
def test_money(value, text):
    assert labels.fmt_money(value) == text


def test_years_and_counts():
    assert labels.fmt_year(2017) == "2017" and labels.fmt_year(2017.0) == "2017"
    assert labels.fmt_count(1234.4) == "1,234" and labels.fmt_count(None) == "<5"
    assert labels.fmt_value("year", 2020) == "2020" and labels.fmt_value("value_gbp", 3_400_000) == "£3.4m"
    assert labels.rate_unit(1000, "75+") == "per 1,000 aged 75+"
    assert labels.age_phrase("65+") == "aged 65 and over" and labels.age_phrase("18-64") == "aged 18-64"


def test_occupancy_applies_to_today_and_the_projection_alike(sample_store):
    """Beds needed = today's occupied beds per 1,000 aged 75+ x population / 1,000 / occupancy, today's
    occupied beds taken at the same occupancy. Sample: 672 registered beds, POPPI 75+ = 12,400 in 2017
    and 16,000 in 2030. At 90%: 672 x 0.9 / 12,400 x 1,000 = 48.774 occupied per 1,000; 2030: 48.774 x 16
    / 0.9 = 867.1. At 85%: 46.065 per 1,000 (the benchmark table's figure), and 2030 still needs 867.1;
    the base year needs exactly the 672 of today at 85% and at 95%. Against a benchmark of 46.1
    occupied beds per 1,000 the occupancy does change the answer: 46.1 x 16 / 0.85 = 867.8."""
    from metrics.supply import gaps
    from store import Store
    assert v.DEFAULT_OCCUPANCY == 0.90
    s = Store(sample_store)
    at_default = gaps.beds_needed(s).set_index("year")
    assert at_default.loc[2017, "occupied_per_1000"] == pytest.approx(672 * 0.9 / 12_400 * 1000)
    assert at_default.loc[2030, "beds_needed"] == pytest.approx(867.1, abs=0.05)
    for occupancy in (0.85, 0.95):
        frame = gaps.beds_needed(s, occupancy=occupancy).set_index("year")
        assert frame.loc[2017, "beds_needed"] == pytest.approx(672)
        assert frame.loc[2017, "gap"] == pytest.approx(0, abs=1e-9)
        assert frame.loc[2030, "beds_needed"] == pytest.approx(867.1, abs=0.05)
    at_85 = gaps.beds_needed(s, occupancy=0.85).set_index("year")
    today = gaps.bed_benchmarks(s, 0.85).set_index("basis").loc["today", "occupied_per_1000"]
    assert at_85.loc[2017, "occupied_per_1000"] == pytest.approx(today) == pytest.approx(46.065, abs=0.001)
    bench = gaps.beds_needed(s, benchmark_per_1000=46.1, occupancy=0.85).set_index("year")
    assert bench.loc[2030, "beds_needed"] == pytest.approx(867.8, abs=0.05)
    with pytest.raises(ValueError):
        gaps.beds_needed(s, occupancy=1.5)



@pytest.mark.parametrize("band,lo,hi,share", [("15-19", 18, 64, 0.4), ("60-64", 18, 64, 1.0), ("65-69", 18, 64, 0.0),
                                              ("90+", 18, 64, 0.0), ("90+", 65, 200, 1.0), ("90+", 95, 200, 0.0),
                                              ("95+", 0, 200, 1.0)])
def test_band_share(band, lo, hi, share):
    assert v.band_share(band, lo, hi) == share


def test_what_if_occupancy_default_and_range_come_from_the_vocabulary():
    from callbacks.gaps import _clean
    assert _clean(None, None) == (None, round(v.DEFAULT_OCCUPANCY * 100), "", "")
    _, occupancy, _, message = _clean(None, 120)  # said beside the control
    assert occupancy == 100 and message == "120% is outside 50% to 100%, so 100% is used."


@pytest.mark.parametrize("column,value,text", [
    ("value", 132.6, "132.6"), ("england_value", 141.5, "141.5"), ("value", 1120.0, "1,120"), ("year", 2017, "2017"),
    ("indicator_id", 93764, "93764"), ("period", 2016.0, "2016"), ("pct_beds", 56.1, "56.1%"), ("value_gbp", 3_400_000, "£3.4m"),
    ("care_home", True, "yes"), ("registered_patients", 206_928, "206,928"), ("registered_patients", None, ""),
    ("rating", "Good", "Good"),
])
def test_one_cell_format_for_page_tables_and_the_brief(column, value, text):
    assert labels.fmt_value(column, value) == text


def test_a_benchmark_the_data_cannot_give_says_why_beside_the_choice(sample_store):
    """The sample's CQC directories cover Lewisham and a few boroughs, not all of London nor England:
    choosing London's ratio falls back to today's and the what-if says so, never silently."""
    from callbacks.gaps import _unavailable
    from store import Store
    s = Store(sample_store)
    assert _unavailable(s, "region") == ("London's ratio is not available: the CQC directory loaded covers only some "
                                         "of the region (load the national directory). Today's ratio is used instead.")
    assert _unavailable(s, "england").startswith("England's ratio is not available: ")
    assert _unavailable(s, "comparators").startswith("The comparator authorities' ratio is not available: ")
    assert _unavailable(s, "today") == "" and _unavailable(s, "custom") == ""
