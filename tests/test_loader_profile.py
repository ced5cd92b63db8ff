"""The authority profile (loaders/profile.py): data/authorities/<code>/profile.toml read and checked
(every key known and of its type, codes as ONS GSS codes), found by the authority's code, and the
folder's mps.toml laid over it. Figures from data/authorities/E09000023/profile.toml."""
import pytest

from loaders.errors import InputError
from loaders.profile import AUTHORITIES_DIR, check_code, profile_dir_for, read_profile, resolve

CODE = "E09000023"


def test_the_bundled_profile_is_found_by_code_and_read():
    folder = profile_dir_for(CODE)
    assert folder == AUTHORITIES_DIR / CODE
    p = read_profile(folder)
    assert (p["area_code"], p["area_name"], p["region_code"], p["region_name"]) == (
        CODE, "Lewisham", "E12000007", "London")
    assert p["comparators"] == ["E09000028", "E09000022", "E09000011", "E09000012", "E09000014", "E09000031"]
    assert p["default_client_group"] == "learning_disability"
    assert profile_dir_for(None) is None and read_profile(None) == {}


def test_codes_are_gss_codes_upper_cased_or_refused_by_name():
    assert check_code(" e09000023 ", "x") == CODE
    with pytest.raises(InputError) as e:
        check_code("Lewisham", "mps.toml")
    assert "'LEWISHAM' is not an ONS GSS area code" in e.value.problem and e.value.column == "area_code"


def test_an_unknown_key_or_a_key_of_the_wrong_type_is_refused(tmp_path):
    (tmp_path / "profile.toml").write_text('area_code = "E09000023"\ncolour = "red"\n', encoding="utf-8")
    with pytest.raises(InputError) as e:
        read_profile(tmp_path)
    assert e.value.problem == "unknown key 'colour'" and e.value.column == "colour"
    (tmp_path / "profile.toml").write_text('comparators = "E09000028"\n', encoding="utf-8")
    with pytest.raises(InputError) as e:
        read_profile(tmp_path)
    assert e.value.problem == "'comparators' is a str"


def test_the_folders_settings_are_laid_over_the_profiles(tmp_path):
    folder, merged = resolve(tmp_path, {"area_code": CODE, "targets": {"carers_reached": 1}})
    assert folder == AUTHORITIES_DIR / CODE
    assert merged["area_name"] == "Lewisham" and merged["targets"]["carers_reached"] == 1
    with pytest.raises(InputError) as e:
        resolve(tmp_path, {}, authority="E09000028", profile=AUTHORITIES_DIR / CODE)
    assert e.value.problem == f"the profile is for {CODE}, not E09000028"
