"""ONS subnational population projections (SNPP CSV) and mid-year estimates (MYEB1 workbook).

Single years of age are summed to five-year bands (`0-4` ... `85-89`, `90+`) plus `all`, by sex
(`persons`, `male`, `female`), area and year: the shape every rate per 1,000 needs.
"""
from __future__ import annotations

import re

import pandas as pd

from domain.contract import store_table

from .base import (InputError, LoadResult, Sheet, cell_text, find_header_row, frame_with_header,
                   normalise_header, parse_number)

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
    """Single year of age (or `90 and over`) -> five-year band; 90 and over is one band."""
    text = cell_text(age).lower()
    if text in {"all ages", "all"}:
        return "all"
    m = re.match(r"(\d+)", text)
    if not m:
        return ""
    a = int(m.group(1))
    if a >= 90:
        return "90+"
    lo = a - a % 5
    return f"{lo}-{lo + 4}"


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


def _finish(long: pd.DataFrame, sheet: Sheet, dataset: str, rows_read: int, warnings) -> LoadResult:
    grouped = (long.groupby(["area_code", "area_name", "sex", "age_band", "year"], as_index=False)
               .agg(value=("value", "sum"), source_row=("source_row", "min")))
    grouped["dataset"] = dataset
    grouped["area_type"] = grouped["area_code"].map(_area_type)
    grouped["source_file"] = sheet.file.name
    grouped["source_sheet"] = sheet.name
    years = sorted(grouped["year"].unique())
    meta = {"dataset": dataset, "years": [int(years[0]), int(years[-1])] if years else []}
    return LoadResult(dataset, TABLE, grouped[store_table(TABLE).names], rows_read, warnings, meta)


def _load_snpp(sheet: Sheet, h: int) -> LoadResult:
    body = frame_with_header(sheet, h)
    year_cols = [c for c in body.columns if re.fullmatch(r"\d{4}(\.0)?", str(c))]
    if len(year_cols) < 1:
        raise InputError(sheet.file, "no year columns found", sheet=sheet.name,
                         row=sheet.row_number(h), expected="columns named 2018, 2019, ...")
    if "COMPONENT" in body.columns:
        body = body[body["COMPONENT"].map(cell_text).str.lower().isin(["population", ""])]
    warnings: list[str] = []
    records = []
    for rec in body.to_dict("records"):
        row = int(rec["_row"])
        sex = _SEX.get(cell_text(rec["SEX"]).lower())
        if sex is None:
            raise InputError(sheet.file, f"found '{rec['SEX']}' where a sex belongs",
                             sheet=sheet.name, row=row, column="SEX",
                             expected="persons, male or female")
        band = age_band(rec["AGE_GROUP"])
        if not band:
            raise InputError(sheet.file, f"found '{rec['AGE_GROUP']}' where an age belongs",
                             sheet=sheet.name, row=row, column="AGE_GROUP",
                             expected="0 to 89, '90 and over' or 'All ages'")
        for y in year_cols:
            records.append({"area_code": cell_text(rec["AREA_CODE"]),
                            "area_name": cell_text(rec["AREA_NAME"]), "sex": sex,
                            "age_band": band, "year": int(float(y)),
                            "value": parse_number(rec[y], file=sheet.file, sheet=sheet.name,
                                                  row=row, column=str(y), notes=warnings),
                            "source_row": row})
    long = pd.DataFrame.from_records(records)
    return _finish(long, sheet, "ons_snpp", len(body), warnings)


def _load_mye(sheet: Sheet, h: int) -> LoadResult:
    body = frame_with_header(sheet, h)
    cols = {normalise_header(c): c for c in body.columns}
    code_col = next(c for n, c in cols.items() if re.match(r"^ladcode\d*$", n))
    name_col = next((c for n, c in cols.items() if re.match(r"^laname\d*$", n)), code_col)
    year_cols = {int(_MYE_COL.match(n).group(1)): c for n, c in cols.items() if _MYE_COL.match(n)}
    warnings: list[str] = []
    records = []
    for rec in body.to_dict("records"):
        row = int(rec["_row"])
        sex = _SEX.get(cell_text(rec[cols["sex"]]).lower())
        if sex is None:
            raise InputError(sheet.file, f"found '{rec[cols['sex']]}' where a sex belongs",
                             sheet=sheet.name, row=row, column=cols["sex"], expected="M or F")
        band = age_band(rec[cols["age"]])
        if not band:
            raise InputError(sheet.file, f"found '{rec[cols['age']]}' where an age belongs",
                             sheet=sheet.name, row=row, column=cols["age"], expected="0 to 90")
        for y, c in year_cols.items():
            v = parse_number(rec[c], file=sheet.file, sheet=sheet.name, row=row, column=c,
                             notes=warnings)
            base = {"area_code": cell_text(rec[code_col]), "area_name": cell_text(rec[name_col]),
                    "year": y, "value": v, "source_row": row}
            records.append({**base, "sex": sex, "age_band": band})
            # MYEB1 gives single years by sex only: build `persons` and `all` from them.
            records.append({**base, "sex": "persons", "age_band": band})
            records.append({**base, "sex": sex, "age_band": "all"})
            records.append({**base, "sex": "persons", "age_band": "all"})
    long = pd.DataFrame.from_records(records)
    return _finish(long, sheet, "ons_mid_year_estimates", len(body), warnings)
