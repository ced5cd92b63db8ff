"""The NHS England peer-group method's LSOA files (loaders/census_lsoa.py): Census 2021 tables by
LSOA and the LSOA to upper-tier authority lookup, read into `census_lsoa` and `lsoa_authorities`.
The folder is built by tests/test_peer_groups_store.py's helpers; the peers computed from it are
tested there."""
import pytest

from test_peer_groups_store import census_folder, ingested


def test_census_files_are_read_by_lsoa(tmp_path):
    store = ingested(tmp_path, census_folder(tmp_path / "in"))
    lsoa = store.table("census_lsoa")
    one = lsoa[lsoa["lsoa_code"] == "E01000002"].set_index("measure")["value"]
    assert one["population_total"] == 240 and one["age_15_plus"] == 200 and one["age_85_plus"] == 160
    assert one["ethnic_black_african"] == 24 and one["english_not_at_all"] == 6
    assert one["tenure_social_rented"] == 40 and one["area_sq_km"] == pytest.approx(0.24)
    assert one["distance_to_sea_km"] == 5 and "White" not in set(lsoa["measure"])
    look = store.table("lsoa_authorities")
    assert dict(zip(look["lsoa_code"], look["authority_name"]))["E01000007"] == "City of London"
    kinds = {f.path: f.kind for f in store.manifest.files}
    assert kinds["census2021-ts062-lsoa.csv"] == "census_lsoa" and kinds["LSOA21_to_UTLA22.csv"] == "lsoa_authority_lookup"
