"""The Nomis bulk CSV reader (loaders/nomis_bulk.py): any `census2021-tsNNN-<geography>.csv` into
one row per area and category, and one line naming file, row and column for anything else."""
import pytest

from loaders.errors import InputError
from loaders.nomis_bulk import is_nomis_bulk, read_nomis_bulk_csv, split_header

TS038_HEADER = ('"date","geography","geography code","Disability: Total: All usual residents",'
                '"Disability: Disabled under the Equality Act",'
                '"Disability: Disabled under the Equality Act: Day-to-day activities limited a lot",'
                '"Disability: Not disabled under the Equality Act"')


def _write(tmp_path, text, name="census2021-ts038-ltla.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_long_form_split_at_the_first_colon(tmp_path):
    path = _write(tmp_path, TS038_HEADER + "\n"
                  '2021,"Hartlepool","E06000001",92338,19956,9870,72382\n'
                  '2021,"Middlesbrough","E06000002",143924,30130,15008,113794\n')
    frame = read_nomis_bulk_csv(path)
    assert list(frame.columns) == ["date", "geography", "geography_code", "topic", "category", "value", "source_row"]
    assert len(frame) == 2 * 4
    assert set(frame["topic"]) == {"Disability"}
    first = frame[frame["geography_code"] == "E06000001"]
    assert first["category"].tolist() == [
        "Total: All usual residents", "Disabled under the Equality Act",
        "Disabled under the Equality Act: Day-to-day activities limited a lot", "Not disabled under the Equality Act"]
    assert first["value"].tolist() == [92338, 19956, 9870, 72382]
    assert first["geography"].iloc[0] == "Hartlepool"
    second = frame[frame["geography_code"] == "E06000002"].set_index("category")["value"]
    assert second["Disabled under the Equality Act"] == 30130
    assert frame["date"].unique().tolist() == [2021]
    assert str(frame["value"].dtype) == "int64" and str(frame["date"].dtype) == "int64"
    assert frame["source_row"].unique().tolist() == [2, 3]  # the rows a person sees (header is row 1)


def test_measures_suffix_dropped_and_helpers(tmp_path):
    path = _write(tmp_path, '"date","geography","geography code","Age: Total; measures: Value",'
                  '"Age: Aged 85 years and over; measures: Value"\n2021,"England","E92000001",56490048,1411325\n')
    frame = read_nomis_bulk_csv(path)
    assert frame["category"].tolist() == ["Total", "Aged 85 years and over"]
    assert frame["value"].tolist() == [56490048, 1411325]
    assert split_header("General health: Very good health") == ("General health", "Very good health")
    assert split_header("General health") is None
    assert is_nomis_bulk(["date", "geography", "geography code", "General health: Good health"])
    assert not is_nomis_bulk(["date", "geography", "geography code", "Good health"])


@pytest.mark.parametrize("text, where", [
    ('"date","area","geography code","Disability: Total: All usual residents"\n2021,"A","E06000001",5\n',
     "row 1, column 'area': column 2 is 'area'"),
    ('"date","geography","geography code","Disability total"\n2021,"A","E06000001",5\n',
     "row 1, column 'Disability total': the header is not '<Topic>: <Category>'"),
    (TS038_HEADER + '\n2021,"A","E06000001",10,5,2,\n',
     "row 2, column 'Disability: Not disabled under the Equality Act': a blank cell is not a count"),
    (TS038_HEADER + '\n2021,"A","E06000001",10,5,2.5,5\n',
     "row 2, column 'Disability: Disabled under the Equality Act: Day-to-day activities limited a lot': "
     "'2.5' is not a count"),
    (TS038_HEADER + '\n2021,"A","E06000001",10,5,2,5\n2021,"A","E06000001",10,5,2,5\n',
     "row 3, column 'geography code': area E06000001 appears again (first at row 2)"),
    (TS038_HEADER + '\n2021,"A","Hartlepool",10,5,2,5\n',
     "row 2, column 'geography code': 'Hartlepool' is not an area code"),
    (TS038_HEADER + '\nlast year,"A","E06000001",10,5,2,5\n',
     "row 2, column 'date': 'last year' is not a year"),
    (TS038_HEADER + '\n', "the file has no area rows"),
])
def test_one_line_naming_file_row_and_column(tmp_path, text, where):
    path = _write(tmp_path, text)
    with pytest.raises(InputError) as err:
        read_nomis_bulk_csv(path)
    message = str(err.value)
    assert message.startswith("census2021-ts038-ltla.csv")
    assert where in message
    assert "\n" not in message
