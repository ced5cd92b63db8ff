"""Every figure the seeds state, reproduced from the embedded sample through ingest, metrics and
the CSV export (the product's test oracle: ../shared/seeds/)."""
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from metrics.demand import demand
from metrics.supply import gaps, supply
from metrics.performance import kpis
from metrics.places import neighbourhoods
from sentences.demand import rationale_sentences
from store import Store

LEWISHAM = "E09000023"


@pytest.fixture(scope="module")
def store(sample_store):
    return Store(sample_store)


@pytest.fixture(scope="module")
def exported(sample_store, tmp_path_factory):
    out = tmp_path_factory.mktemp("export")
    exe = Path(sys.executable).with_name("mps")
    r = subprocess.run([str(exe), "export", "--store", str(sample_store), "--out", str(out), "--format", "csv"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return {p.stem: pd.read_csv(p) for p in out.glob("*.csv")}


def total(store, measure, year, age_band=None):
    h = demand.headline(store)
    h = h[(h.measure == measure) & (h.year == year)]
    if age_band:
        h = h[h.age_band == age_band]
    assert len(h) == 1, (measure, year, h)
    return h.value.iloc[0]


# seed 000 s3.3-3.5: (measure, 2017, 2020)
PROJECTIONS = [
    ("learning_disability", 1120, 1190), ("learning_disability_living_with_parent", 450, 470),
    ("physical_disability_moderate", 14375, 15200), ("physical_disability_serious", 3970, 4300),
    ("visual_impairment_serious", 135, 140), ("hearing_impairment_moderate_severe", 6400, 6800),
    ("hearing_impairment_profound", 50, 55), ("psychotic_disorder", 820, 850),
    ("two_or_more_psychiatric_disorders", 14800, 15300), ("alcohol_dependence", 12200, 12700),
    ("drug_dependence", 6950, 7200),
]


@pytest.mark.parametrize("measure,y2017,y2020", PROJECTIONS)
def test_mps_s3_projections(store, exported, measure, y2017, y2020):
    assert total(store, measure, 2017) == y2017
    assert total(store, measure, 2020) == y2020
    d = exported["demand"]
    row = d[(d.measure == measure) & (d.area_code == LEWISHAM) & (d.sex == "persons") & (d.age_band == "18-64")]
    assert row.set_index("year").value[2017] == y2017 and row.set_index("year").value[2020] == y2020


def test_mps_s3_1_population(store):
    pop = store.table("population")
    p = pop[(pop.dataset == "ons_snpp") & (pop.area_code == LEWISHAM) & (pop.sex == "persons") & (pop.year == 2017)]
    all_ages = p[p.age_band == "all"].value.iloc[0]
    assert all_ages == 305945
    older = p[p.age_band.isin(["65-69", "70-74", "75-79", "80-84", "85-89", "90+"])].value.sum()
    assert round(older / all_ages * 100) == 9


def test_mps_s3_2_older_people_and_dementia(store):
    prev = store.table("prevalence")
    pop65 = prev[(prev.measure == "population") & prev.is_total & (prev.area_code == LEWISHAM)
                 & (prev.age_band == "65+") & (prev.year == 2017) & (prev.sex == "persons")]
    assert pop65.value.iloc[0] == 26800
    assert total(store, "dementia", 2017) == 1800
    rate = gaps.dementia_diagnosis_rate(store)
    assert rate.numerator == 1330 and rate.denominator == 1800
    assert round(rate.value) == 74 and rate.benchmark == pytest.approx(66.7)


def test_mps_s3_3_learning_disability_services(store, exported):
    g = {x.metric: x for x in gaps.ld_gaps(store)}
    out = g["ld_out_of_area_placements_pct"]
    assert (out.numerator, out.denominator) == (123, 180) and round(out.value, 1) == 68.3
    dp = g["ld_direct_payment_pct"]
    assert dp.denominator == 755 and round(dp.value) == 17
    e = exported["gaps"].set_index("metric")
    assert round(e.loc["ld_out_of_area_placements_pct", "value"], 1) == 68.3


def test_mps_s3_5_alcohol_admissions(store, exported):
    k = kpis.kpi_table(store)
    row = k[(k.indicator_id == 93764) & (k.sex == "Persons") & (k.period == "2015/16")].iloc[0]
    assert (row.value, row.region_value, row.england_value) == (146.1, 132.6, 141.5)
    e = exported["kpis"]
    e = e[(e.indicator_id == 93764) & (e.sex == "Persons") & (e.period == "2015/16")]
    assert (e.value.tolist(), e.region_value.tolist(), e.england_value.tolist()) == ([146.1], [132.6], [141.5])


def test_mps_s3_6_carers(store):
    assert total(store, "unpaid_carers", 2017) == 3380
    prev = store.table("prevalence")
    heavy = prev[(prev.measure == "unpaid_carers_50_plus_hours") & ~prev.is_total & (prev.year == 2017)
                 & (prev.sex == "persons") & prev.age_band.isin(["80-84", "85+"])]
    assert heavy.value.sum() == 370
    act = store.table("activity")
    carers = act[(act.client_group == "carers") & (act.period == "2015/16") & (act.age_band == "all")]
    carers = carers.set_index("setting").clients
    assert carers["carers_supported"] == 4671 and carers["carers_register"] == 6273


def test_mps_s4_1_care_home_table(exported):
    t = exported["care_homes"].set_index("type")
    assert t.loc["residential"].tolist() == [9, 190, 28, 21]
    assert t.loc["nursing"].tolist() == [9, 482, 72, 54]
    assert t.loc["total"].tolist() == [18, 672, 100, 37]


def test_mps_s4_1_ownership_and_extra_care(store):
    o = supply.ownership_table(store).set_index("ownership")
    assert o.loc["national_group", "homes"] == 6 and o.loc["national_group", "beds"] == 377
    assert round(o.loc["national_group", "pct_beds"]) == 56
    assert o.loc["small_independent", "homes"] == 12
    services = supply.community_services(store).set_index("service").locations
    assert services["extra_care"] == 3


def test_mps_s4_2_learning_disability_supply(store):
    a = store.table("activity")
    ld = a[(a.client_group == "learning_disability") & (a.period == "2016/17") & (a.age_band == "18-64")]
    by = ld.groupby("setting").clients.sum()
    assert by["supported_living"] == 130 and by["shared_lives"] == 11 and by["extra_care"] == 3
    assert 190 <= by["day_care"] <= 210
    shared_in = ld[(ld.setting == "shared_lives") & (ld.location == "in_area")].clients.sum()
    assert shared_in == 10


def test_mps_s4_3_community_equipment_contract(store):
    c = store.table("contracts")
    equipment = c[c.supplier.str.contains("Community Equipment", case=False, na=False)]
    assert equipment.annual_value.max() == 1_400_000


def test_seed_003_table_1(store, exported):
    t = neighbourhoods.caseload_table(store).set_index("neighbourhood")
    expected = {"N1": (45342, 1264, 849, 309), "N2": (76593, 1687, 1003, 397),
                "N3": (38878, 2244, 1330, 486), "N4": (46115, 2181, 802, 462),
                "total": (206928, 7376, 3984, 1654)}
    for hood, (reg, dn, asc, joint) in expected.items():
        assert tuple(t.loc[hood, ["registered_patients", "dn_cases", "asc_cases", "joint_cases"]]) == (reg, dn, asc, joint)
    assert round(t.loc["N1", "joint_pct"], 2) == 0.68 and round(t.loc["total", "joint_pct"], 2) == 0.80
    assert round(t.loc["N3", "dn_pct"]) == 6 and round(t.loc["total", "asc_pct"]) == 2
    e = exported["neighbourhoods"].set_index("neighbourhood")
    # The export keeps Table 1's base beside the latest list every page shows (one answer, dated).
    assert int(e.loc["total", "caseload_list_patients"]) == 206928 and e.loc["total", "caseload_as_at"] == "2013-07-01"
    assert e.loc["total", "registered_as_at"] == "2017-04-01"


FINANCE = [
    ("NHS Lewisham CCG", "Net spend budget", "2014/15", 377_826_000),
    ("NHS Lewisham CCG", "Net spend budget", "2015/16", 391_633_000),
    ("NHS Lewisham CCG", "Net spend budget", "2016/17", 398_595_000),
    ("NHS Lewisham CCG", "Savings required", "2014/15", 9_990_000),
    ("NHS Lewisham CCG", "Savings required", "2015/16", 13_557_000),
    ("NHS Lewisham CCG", "Savings required", "2016/17", 13_964_000),
    ("Lewisham Council", "Savings required", "2014/15", 39_000_000),
    ("Lewisham Council", "Savings required", "2015/16", 26_000_000),
    ("Lewisham Council", "Savings required", "2016/17", 20_000_000),
]


@pytest.mark.parametrize("org,item,period,value", FINANCE)
def test_seed_001_s4_4_finance(exported, org, item, period, value):
    f = exported["finance"]
    row = f[(f.organisation == org) & (f.item == item) & (f.period == period)]
    assert row.value_gbp.tolist() == [value]


def test_seed_001_and_004_budgets(exported):
    values = set(exported["finance"].value_gbp)
    for v in [268_000_000, 84_570_000, 20_000_000, 19_588_000, 5_588_000, 14_000_000]:
        assert v in values


def test_rationale_sentence_as_the_issue_quotes_it(store):
    sentences = rationale_sentences(store, 2017, 2020)
    assert ("The number of adults aged 18-64 with a learning disability is projected to rise from 1,120 "
            "in 2017 to 1,190 in 2020 (+6%).") in sentences


def test_export_contract_columns(exported):
    from domain.contract import EXPORT_TABLES
    for name, table in EXPORT_TABLES.items():
        if table.open_columns:
            assert set(table.names) <= set(exported[name].columns), name
        else:
            assert list(exported[name].columns) == table.names, name
    assert list(exported["neighbourhoods"].neighbourhood) == ["N1", "N2", "N3", "N4", "total"]


def test_practice_level_small_numbers_are_suppressed(exported):
    p = exported["practices"]
    bands = [c for c in p.columns if c[0].isdigit()]
    cells = p[bands].astype(str)
    assert (cells == "<5").any().any()
    numeric = p[bands].apply(pd.to_numeric, errors="coerce")
    assert not ((numeric < 5) & numeric.notna()).any().any()


def test_care_homes_and_practices_per_neighbourhood(exported):
    """Seed 001 Appendix B (2015) names 44 sites: N1 11, N2 14, N3 12, N4 7. 11 of them have no ODS
    code of their own under that name in NHS Digital's files (branch sites, merged or closed
    practices); one of those, Rushey Green (N2), is the practice now called G85633 Novum Health
    Partnership, so 10 sites are not practices the registrations file holds (docs/profile.md lists
    them). The product counts the practices the registrations file holds: N1 11 - 1 (Dr Batra) = 10;
    N2 14 - 2 (Brockley Road, Hurley Group) = 12; N3 12 - 6 (Baring Road, Winlaton, ICO Chinbrook,
    ICO Marvels Lane, Muirkirk Road, ICO Boundfield Road) = 6; N4 7 - 1 (Sydenham Surgery) = 6."""
    n = exported["neighbourhood_supply"]
    assert n.care_homes.sum() == 18 and n.care_home_beds.sum() == 672 and n.practices.sum() == 34
    assert list(n.practices) == [10, 12, 6, 6]


def test_substance_misuse_unmet_need(store):
    g = {x.metric: x for x in gaps.substance_misuse_gaps(store)}
    alcohol = g["substance_misuse_alcohol_unmet_need_pct"]
    assert alcohol.denominator == 12200 and alcohol.numerator == 12200 - 640  # PANSI 2017; 640 in treatment
    assert round(alcohol.value, 1) == round((12200 - 640) / 12200 * 100, 1)
    drugs = g["substance_misuse_drugs_unmet_need_pct"]
    assert drugs.denominator == 6950 and drugs.numerator == 6950 - 1180


def test_population_for_a_band_comes_from_poppi_bands_before_ons(store):
    from metrics.demand.demand import population_for
    # POPPI 2017: 75-79 4,900 + 80-84 3,800 + 85-89 2,400 + 90+ 1,300 (sample README)
    assert population_for(store, LEWISHAM, "75+", 2017) == 12400
    assert population_for(store, LEWISHAM, "65+", 2017) == 26800
    assert gaps.beds_per_1000(store, "75+").value == pytest.approx(672 / 12400 * 1000)
