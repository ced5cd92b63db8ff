"""ONS subnational population projections (SNPP CSV) and mid-year estimates (MYEB1 workbook).

Single years of age are summed to five-year bands (`0-4` ... `85-89`, `90+`) plus `all`, by sex
(`persons`, `male`, `female`), area and year: the shape every rate per 1,000 needs.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from domain.contract import store_table
from domain.vocabulary import ALL_AGES, OLDEST_SINGLE_AGE_BAND, band_limits, parse_age_band, quinary_band

from .errors import InputError
from .cells import cell_text, map_distinct, parse_numbers, plain_numbers, text_values
from .csv_arrow import arrow_body, arrow_map_distinct, constant_text
from .sheets import LoadResult, Sheet, find_header_row, frame_with_header, header_cells, normalise_header

KIND = "ons_population"
KINDS = ["ons_snpp", "ons_mid_year_estimates"]
TABLE = "population"
DESCRIPTION = "ONS population projections (SNPP) or mid-year estimates (MYEB1)"

SNPP_REQUIRED = ["AREA_CODE", "AREA_NAME", "SEX", "AGE_GROUP"]
_MYE_COL = re.compile(r"^population_(\d{4})$", re.IGNORECASE)
_SEX = {"persons": "persons", "all": "persons", "male": "male", "males": "male", "m": "male",
        "1": "male", "female": "female", "females": "female", "f": "female", "2": "female"}


def _is_snpp(sheet: Sheet) -> int | None:
    return find_header_row(sheet, SNPP_REQUIRED, max_rows=5)


def _is_mye(sheet: Sheet) -> int | None:
    for i, row in enumerate(sheet.head_text(10)):
        names = [normalise_header(c) for c in row]
        if (any(re.match(r"^ladcode\d*$", n) for n in names) and "sex" in names and "age" in names
                and any(_MYE_COL.match(n) for n in names)):
            return i
    return None


def sniff(sheets: list[Sheet]) -> bool:
    return any(_is_snpp(s) is not None or _is_mye(s) is not None for s in sheets)


def age_band(age) -> str:
    """Single year of age (or `90 and over`, `All ages`) -> its five-year band, "90+" or "all";
    "" when the cell is not one age. Parsing is `domain.vocabulary`'s; this only says which of its
    bands a single-year file may hold (one age, the open top band, or all ages)."""
    band = parse_age_band(cell_text(age))
    if band is None or band == ALL_AGES:
        return band or ""
    lo, hi = band_limits(band)
    if lo == hi or lo >= OLDEST_SINGLE_AGE_BAND:
        return quinary_band(lo)
    return ""


def load(sheets: list[Sheet], ctx) -> LoadResult:
    for sheet in sheets:
        h = _is_snpp(sheet)
        if h is not None:
            return _load_snpp(sheet, h)
    for sheet in sheets:
        h = _is_mye(sheet)
        if h is not None:
            return _load_mye(sheet, h)
    raise InputError(sheets[0].file, "no ONS population header found",
                     expected="AREA_CODE, AREA_NAME, SEX, AGE_GROUP and year columns")


def _area_type(code: str) -> str:
    if code.startswith("E92"):
        return "england"
    if code.startswith("E12"):
        return "region"
    return "la"


KEYS = ["area_code", "area_name", "sex", "age_band"]


def _finish(long: pd.DataFrame, sheet: Sheet, dataset: str, rows_read: int, warnings) -> LoadResult:
    """Sum the long rows to one per area x sex x band x year, first source row kept."""
    grouped = (long.groupby([*KEYS, "year"], as_index=False)
               .agg(value=("value", "sum"), source_row=("source_row", "min")))
    return _result(grouped, sheet, dataset, rows_read, warnings)


def _finish_wide(keys: pd.DataFrame, values: np.ndarray, rows: np.ndarray, years: list[int], sheet: Sheet,
                 dataset: str, rows_read: int, warnings) -> LoadResult:
    """`_finish` without the long frame: the file's rows summed per area x sex x band on the
    whole year block at once, then one row per group x year (what `_finish` gives, in its order)."""
    order = np.argsort(np.asarray(years), kind="stable")
    years = [years[j] for j in order]
    wide = pd.DataFrame(values[:, order], columns=years)
    by = [keys[k].to_numpy(dtype=object) for k in KEYS]
    sums = wide.groupby(by, sort=True).sum()
    first = pd.Series(rows).groupby(by, sort=True).min()
    g, k = len(sums), len(years)
    grouped = pd.DataFrame({name: np.repeat(sums.index.get_level_values(i).to_numpy(dtype=object), k)
                            for i, name in enumerate(KEYS)}, dtype=object)
    grouped["year"] = np.tile(np.asarray(years, dtype=np.int64), g)
    grouped["value"] = sums.to_numpy(dtype="float64").reshape(-1)
    grouped["source_row"] = np.repeat(first.to_numpy(dtype=np.int64), k)
    return _result(grouped, sheet, dataset, rows_read, warnings)


def _result(grouped: pd.DataFrame, sheet: Sheet, dataset: str, rows_read: int, warnings) -> LoadResult:
    grouped["dataset"] = dataset
    grouped["area_type"] = map_distinct(grouped["area_code"], lambda c: _area_type(c or "")).to_numpy()
    grouped["source_file"] = sheet.file.name
    grouped["source_sheet"] = sheet.name
    years = sorted(grouped["year"].unique())
    meta = {"dataset": dataset, "years": [int(years[0]), int(years[-1])] if years else []}
    return LoadResult(dataset, TABLE, grouped[store_table(TABLE).names], rows_read, warnings, meta)


def _plain_numbers(body: pd.DataFrame, year_cols: dict[int, str]) -> np.ndarray | None:
    """The year block as floats when every cell is a plain number of zero or more or blank (the
    national files), else None: then `_long_values` parses it cell by cell in reading order, for
    the same notes and the same first error."""
    out = np.empty((len(body), len(year_cols)), dtype="float64")
    for j, c in enumerate(year_cols.values()):
        cells = body[c]
        if pd.api.types.infer_dtype(cells, skipna=True) not in ("string", "floating", "integer", "empty",
                                                                "mixed-integer-float"):
            return None
        numbers = plain_numbers(cells)
        if numbers is None:
            numbers = pd.to_numeric(cells, errors="coerce").to_numpy(dtype="float64")
        if ((np.isnan(numbers) & cells.notna().to_numpy()) | (numbers < 0)).any():
            return None
        out[:, j] = numbers
    return out


def _first_bad(sheet: Sheet, body: pd.DataFrame, bad: pd.Series, column: str, what: str,
               expected: str) -> None:
    """Raise for the first row flagged in ``bad``, naming the cell as written."""
    if bad.any():
        i = int(bad.to_numpy().argmax())
        raise InputError(sheet.file, f"found '{body[column].iloc[i]}' where {what} belongs",
                         sheet=sheet.name, row=int(body["_row"].iloc[i]), column=column,
                         expected=expected)


def _sexes_and_bands(sheet: Sheet, body: pd.DataFrame, sex_col: str, age_col: str, *,
                     sex_expected: str, age_expected: str) -> tuple[pd.Series, pd.Series]:
    """Validate and map the sex and age columns (each distinct cell parsed once)."""
    sex = map_distinct(text_values(body[sex_col]), lambda v: _SEX.get((v or "").lower()))
    _first_bad(sheet, body, sex.isna(), sex_col, "a sex", sex_expected)
    bands = map_distinct(text_values(body[age_col]), lambda a: age_band(a or ""))
    _first_bad(sheet, body, bands.eq(""), age_col, "an age", age_expected)
    return sex.astype(object), bands.astype(object)


def _long_values(sheet: Sheet, body: pd.DataFrame, year_cols: dict[int, str], warnings) -> pd.DataFrame:
    """One row per file row x year column, in the order a reader scans the file (so notes and the
    first bad cell are as a cell-by-cell loop gives them): `_i` (the body row), year, value."""
    n, k = len(body), len(year_cols)
    rows = np.repeat(body["_row"].to_numpy(dtype=np.int64), k)
    cells = pd.Series(body[list(year_cols.values())].to_numpy(dtype=object).reshape(-1), dtype=object)
    headers = np.tile(np.asarray([str(c) for c in year_cols.values()], dtype=object), n)
    values = parse_numbers(cells, rows, file=sheet.file, sheet=sheet.name, column=headers,
                           notes=warnings)
    return pd.DataFrame({"_i": np.repeat(np.arange(n), k),
                         "year": np.tile(np.asarray(list(year_cols), dtype=np.int64), n),
                         "value": values.to_numpy(), "source_row": rows})


def _arrow_snpp(sheet: Sheet, h: int) -> LoadResult | None:
    """`_load_snpp` for a file Arrow read (`Sheet.arrow`: every national SNPP file), on whole
    columns: the same groups, sums, first rows and order, with no Python object per cell. None
    where any cell would fail a check (a blank key, an unknown sex or age, a number that is not
    plain and >= 0): `_load_snpp` then reads cell by cell and names it."""
    if sheet.arrow is None or not sheet.clean_text:
        return None
    import pyarrow as pa
    import pyarrow.compute as pc

    header = header_cells(sheet, h)
    at = {name: j for j, name in reversed(list(enumerate(header)))}  # first column of each name
    year_cols = {int(float(c)): at[c] for c in at if re.fullmatch(r"\d{4}(\.0)?", c)}
    if not year_cols or any(c not in at for c in SNPP_REQUIRED) or len(at) < len(header):
        return None
    body, rows = arrow_body(sheet, h)
    if "COMPONENT" in at:
        component = pc.utf8_lower(pc.fill_null(body.column(at["COMPONENT"]), ""))
        keep = pc.is_in(component, value_set=pa.array(["population", ""]))
        body, rows = body.filter(keep), rows[keep.to_numpy()]
    keys = {"area_code": _arrow_ranked(body.column(at["AREA_CODE"]), None),
            "area_name": _arrow_ranked(body.column(at["AREA_NAME"]), None),
            "sex": _arrow_ranked(body.column(at["SEX"]), lambda v: _SEX.get(v.lower())),
            "age_band": _arrow_ranked(body.column(at["AGE_GROUP"]), lambda a: age_band(a) or None)}
    values = _arrow_year_block(body, year_cols)
    if values is None or any(k is None for k in keys.values()):
        return None
    years = sorted(year_cols)
    grouped, first = _arrow_groups(keys, values, rows, years)
    k, n = len(years), len(grouped)
    grouped["dataset"] = constant_text("ons_snpp", n)
    codes = keys["area_code"][0]
    area_types = pa.array([_area_type(c) for c in codes.to_pylist()], pa.string())
    grouped["area_type"] = pc.take(area_types, pa.array(np.repeat(keys["area_code"][1][first], k))
                                   ).to_pandas().astype("str")
    grouped["source_file"] = constant_text(sheet.file.name, n)
    grouped["source_sheet"] = constant_text(sheet.name, n)
    meta = {"dataset": "ons_snpp", "years": [int(years[0]), int(years[-1])]}
    return LoadResult("ons_snpp", TABLE, grouped[store_table(TABLE).names], body.num_rows, [], meta)


def _arrow_groups(keys: dict, values: np.ndarray, rows: np.ndarray, years: list[int]) -> tuple[pd.DataFrame, np.ndarray]:
    """`_finish_wide`'s rows from ranked keys: one group per (area code, name, sex, band) in the
    sorted order pandas' groupby gives, its sums per year and its first row; and each group's
    first row of the file body."""
    import pyarrow as pa
    import pyarrow.compute as pc

    group_key = np.zeros(len(rows), dtype=np.int64)
    for distinct, rank in keys.values():
        group_key = group_key * len(distinct) + rank
    groups, first, inverse = np.unique(group_key, return_index=True, return_inverse=True)
    # pandas' grouped sum (compensated, in row order), so the sums are the cell-by-cell path's to the bit
    sums = pd.DataFrame(values).groupby(inverse, sort=True).sum().to_numpy(dtype="float64")
    first_row = np.full(len(groups), np.iinfo(np.int64).max)
    np.minimum.at(first_row, inverse, rows)
    k = len(years)
    grouped = pd.DataFrame({name: pc.take(distinct, pa.array(np.repeat(rank[first], k))).to_pandas().astype("str")
                            for name, (distinct, rank) in keys.items()})  # each group's keys, once per year
    grouped["year"] = np.tile(np.asarray(years, dtype=np.int64), len(groups))
    grouped["value"] = sums.reshape(-1)  # the year block is in year order already
    grouped["source_row"] = np.repeat(first_row, k)
    return grouped, first


def _arrow_ranked(values, fn):
    """(distinct values in sorted order as an Arrow array, each row's rank among them) of an Arrow
    text column, through ``fn`` of each distinct cell first when given; None for a blank cell or
    where ``fn`` answers None."""
    import pyarrow as pa

    if fn is not None:
        mapped = arrow_map_distinct(values.combine_chunks(), fn)
        if mapped is None:
            return None
        values = mapped[0]
    elif values.null_count:
        return None
    encoded = values.dictionary_encode()
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.combine_chunks()
    distinct = encoded.dictionary
    order = np.argsort(np.asarray(distinct.to_pylist(), dtype=object), kind="stable")
    rank_of = np.empty(len(order), dtype=np.int64)
    rank_of[order] = np.arange(len(order))
    return distinct.take(pa.array(order)), rank_of[encoded.indices.to_numpy()]


def _arrow_year_block(body, year_cols: dict[int, int]) -> np.ndarray | None:
    """The year columns, in year order, as float64 with blanks as 0 (what a sum of them gives),
    or None if a cell is not a plain number of zero or more."""
    import pyarrow as pa
    import pyarrow.compute as pc

    years = sorted(year_cols)
    out = np.empty((body.num_rows, len(years)), dtype="float64")
    for j, year in enumerate(years):
        try:
            numbers = pc.cast(body.column(year_cols[year]), pa.float64()).to_numpy()
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return None
        blank = np.isnan(numbers)
        if (blank & pc.is_valid(body.column(year_cols[year])).to_numpy()).any() or (numbers < 0).any() \
                or np.isinf(numbers).any():
            return None
        out[:, j] = np.where(blank, 0.0, numbers)
    return out


def _load_snpp(sheet: Sheet, h: int) -> LoadResult:
    """SNPP CSV: one row per area x sex x single year of age, one column per projection year."""
    fast = _arrow_snpp(sheet, h)
    if fast is not None:
        return fast
    body = frame_with_header(sheet, h)
    year_cols = {int(float(c)): c for c in body.columns if re.fullmatch(r"\d{4}(\.0)?", str(c))}
    if len(year_cols) < 1:
        raise InputError(sheet.file, "no year columns found", sheet=sheet.name,
                         row=sheet.row_number(h), expected="columns named 2018, 2019, ...")
    if "COMPONENT" in body.columns:
        body = body[text_values(body["COMPONENT"]).str.lower().isin(["population", ""])]
    body = body.reset_index(drop=True)
    sex, band = _sexes_and_bands(sheet, body, "SEX", "AGE_GROUP", sex_expected="persons, male or female",
                                 age_expected="0 to 89, '90 and over' or 'All ages'")
    warnings: list[str] = []
    codes, names = text_values(body["AREA_CODE"]).to_numpy(), text_values(body["AREA_NAME"]).to_numpy()
    values = _plain_numbers(body, year_cols)
    if values is not None:
        keys = pd.DataFrame({"area_code": codes, "area_name": names, "sex": sex.to_numpy(),
                             "age_band": band.to_numpy()}, dtype=object)
        return _finish_wide(keys, values, body["_row"].to_numpy(dtype=np.int64), list(year_cols), sheet,
                            "ons_snpp", len(body), warnings)
    long = _long_values(sheet, body, year_cols, warnings)
    i = long.pop("_i").to_numpy()
    long["area_code"], long["area_name"] = codes[i], names[i]
    long["sex"], long["age_band"] = sex.to_numpy()[i], band.to_numpy()[i]
    return _finish(long, sheet, "ons_snpp", len(body), warnings)


def _load_mye(sheet: Sheet, h: int) -> LoadResult:
    """MYEB1: single years by sex only, so `persons` and `all` are built from them here."""
    body = frame_with_header(sheet, h)
    cols = {normalise_header(c): c for c in body.columns}
    code_col = next(c for n, c in cols.items() if re.match(r"^ladcode\d*$", n))
    name_col = next((c for n, c in cols.items() if re.match(r"^laname\d*$", n)), code_col)
    year_cols = {int(_MYE_COL.match(n).group(1)): c for n, c in cols.items() if _MYE_COL.match(n)}
    sex, band = _sexes_and_bands(sheet, body, cols["sex"], cols["age"], sex_expected="M or F",
                                 age_expected="0 to 90")
    warnings: list[str] = []
    long = _long_values(sheet, body, year_cols, warnings)
    i = long.pop("_i").to_numpy()
    long["area_code"] = text_values(body[code_col]).to_numpy()[i]
    long["area_name"] = text_values(body[name_col]).to_numpy()[i]
    sex, band = sex.to_numpy()[i], band.to_numpy()[i]
    long = pd.concat([long.assign(sex=sex, age_band=band), long.assign(sex="persons", age_band=band),
                      long.assign(sex=sex, age_band=ALL_AGES), long.assign(sex="persons", age_band=ALL_AGES)],
                     ignore_index=True)
    return _finish(long, sheet, "ons_mid_year_estimates", len(body), warnings)
