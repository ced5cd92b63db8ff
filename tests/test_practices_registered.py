"""Real practices only: a practice of the profile that the registrations file does
not hold is named in the ingest's warnings and is never counted or exported as the authority's
practice (the practices table, the neighbourhoods' practice counts and registered patients)."""
import shutil

import pandas as pd

from conftest import SAMPLE

GONE = "G85026"  # Clifton Rise Family Practice, North Lewisham (N1), map number 4


def test_a_listed_practice_the_registrations_lack_is_a_warning_not_an_exported_practice(tmp_path):
    from exports.csv_export import write_csv_tables
    from loaders.store import ingest
    from store import Store
    src = tmp_path / "src"
    shutil.copytree(SAMPLE, src)
    totals = pd.read_csv(SAMPLE / "gp-reg-pat-prac-all.csv", dtype=str, encoding="latin-1")
    quinary = pd.read_csv(SAMPLE / "gp-reg-pat-prac-quin-age.csv", dtype=str, encoding="latin-1")
    gone_patients = int(totals[(totals["CODE"] == GONE) & (totals["SEX"] == "ALL")]["NUMBER_OF_PATIENTS"].iloc[0])
    totals[totals["CODE"] != GONE].to_csv(src / "gp-reg-pat-prac-all.csv", index=False, encoding="latin-1")
    quinary[quinary["ORG_CODE"] != GONE].to_csv(src / "gp-reg-pat-prac-quin-age.csv", index=False, encoding="latin-1")
    report = ingest(src, tmp_path / "store")
    assert report.ok, [f.error for f in report.files if f.error]
    notes = " ".join(w for f in report.files if f.path.name.startswith("gp-reg") for w in f.warnings)
    assert "1 of the profile's 34 practices are not in this file" in notes
    assert "so they are not counted or exported: G85026 Clifton Rise" in notes
    tables = {p.stem: pd.read_csv(p) for p in write_csv_tables(Store(tmp_path / "store"), tmp_path / "csv")
              if p.suffix == ".csv"}
    assert GONE not in set(tables["practices"]["practice_code"])
    assert len(tables["practices"]) == 33
    # North Lewisham lists 10 practices in the profile; the file holds 9 of them, and its registered
    # patients at the caseload date are seed 003's 45,342 less the missing practice's list.
    n = tables["neighbourhoods"].set_index("neighbourhood")
    assert n.loc["N1", "caseload_list_patients"] == 45342 - gone_patients
    supply = tables["neighbourhood_supply"].set_index("neighbourhood")
    assert supply.loc["N1", "practices"] == 9 and supply["practices"].sum() == 33


def test_the_profile_and_the_sample_hold_only_real_practice_codes():
    """No invented code: every practice of Lewisham's profile has an ODS-shaped code (a letter and
    five digits, e.g. G85633), and the sample's two GP files hold exactly the profile's 34 practices,
    N1 10, N2 12, N3 6, N4 6 (the real registrations file holds them all: test_metrics_places)."""
    import re
    from collections import Counter

    from conftest import ROOT
    profile = pd.read_csv(ROOT / "data" / "authorities" / "E09000023" / "practices.csv", dtype=str)
    assert all(re.fullmatch(r"[A-Z]\d{5}", c) for c in profile["practice_code"])
    assert Counter(profile["neighbourhood_code"]) == {"N1": 10, "N2": 12, "N3": 6, "N4": 6}
    totals = pd.read_csv(SAMPLE / "gp-reg-pat-prac-all.csv", dtype=str, encoding="latin-1")
    quinary = pd.read_csv(SAMPLE / "gp-reg-pat-prac-quin-age.csv", dtype=str, encoding="latin-1")
    assert set(totals["CODE"]) == set(profile["practice_code"])
    assert set(quinary.loc[quinary["ORG_TYPE"] == "GP", "ORG_CODE"]) == set(profile["practice_code"])
