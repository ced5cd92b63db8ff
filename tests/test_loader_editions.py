"""CQC directory editions side by side (loaders/editions.py): the checks across a folder's editions
(two of one date, an undated one beside dated ones, an edition older than the ratings it holds).
What changed between the sample's two editions is tests/test_metrics_supply.py."""
import shutil

from conftest import SAMPLE
from loaders.store import load_folder

JUNE = "01_June_2017_HSCA_Active_Locations.xlsx"


def _folder(tmp_path, names):
    for name in names:
        shutil.copy(SAMPLE / JUNE, tmp_path / name)
    return tmp_path


def test_two_editions_with_the_same_date_are_an_error(tmp_path):
    report, _, _ = load_folder(_folder(tmp_path, [JUNE, "01_June_2017_HSCA_Active_Locations (copy).xlsx"]))
    assert not report.ok
    errors = [f.error for f in report.files if f.error]
    assert len(errors) == 1 and "same date 2017-06-01" in errors[0] and JUNE in errors[0]


def test_an_undated_edition_beside_others_is_an_error(tmp_path):
    report, _, _ = load_folder(_folder(tmp_path, [JUNE, "HSCA_Active_Locations.xlsx"]))
    errors = [f.error for f in report.files if f.error]
    assert len(errors) == 1 and errors[0].startswith("HSCA_Active_Locations.xlsx: ") and "no edition date" in errors[0]


def test_an_edition_out_of_order_is_warned_by_name(tmp_path):
    report, _, _ = load_folder(_folder(tmp_path, ["01_January_2017_HSCA_Active_Locations.xlsx"]))
    assert report.ok
    warning = " ".join(report.files[0].warnings)
    assert "edition dated 2017-01-01 holds ratings published as late as 2017-05-26" in warning
