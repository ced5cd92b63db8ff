"""NHS Digital: patients registered at a GP practice (CSV, latin-1).

Two layouts, recognised by header:
- quinary age file `gp-reg-pat-prac-quin-age.csv`:
  `PUBLICATION,EXTRACT_DATE,ORG_TYPE,ORG_CODE,ONS_CODE,POSTCODE,SEX,AGE_GROUP_5,NUMBER_OF_PATIENTS`
  (all organisation levels; only `GP` rows are practices and kept);
- totals file `gp-reg-pat-prac-all.csv`:
  `PUBLICATION,EXTRACT_DATE,TYPE,CCG_CODE,ONS_CCG_CODE,CODE,POSTCODE,SEX,AGE,NUMBER_OF_PATIENTS`
  (from July 2022 `SUB_ICB_LOCATION_CODE,ONS_SUB_ICB_LOCATION_CODE` replace the CCG columns).

The national quinary file has ~500k rows, so counts are checked column-wise; a cell that fails
is re-parsed with `parse_number` only to produce the located error.
"""
from __future__ import annotations


import numpy as np
import pandas as pd

from domain.contract import store_table

from .base import InputError, LoadResult, Sheet, cell_text, normalise_header, parse_date, parse_number

KIND = "gp_registrations"
KINDS = ["gp_registrations_quinary", "gp_registrations_totals"]
TABLE = "registrations"
DESCRIPTION = "NHS Digital patients registered at a GP practice (quinary age or totals CSV)"

HEADER_ROWS = 5
COMMON = ["PUBLICATION", "EXTRACT_DATE", "POSTCODE", "SEX", "NUMBER_OF_PATIENTS"]
LAYOUTS = {
    # kind -> (required headers, org type column, practice code column, age column)
    "gp_registrations_quinary": (["ORG_TYPE", "ORG_CODE", "AGE_GROUP_5"], "ORG_TYPE", "ORG_CODE",
                                 "AGE_GROUP_5"),
    "gp_registrations_totals": (["TYPE", "CODE", "AGE"], "TYPE", "CODE", "AGE"),
}
CCG_COLUMNS = ["SUB_ICB_LOCATION_CODE", "CCG_CODE"]
SEX = {"ALL": "persons", "PERSONS": "persons", "MALE": "male", "MALES": "male", "M": "male",
       "FEMALE": "female", "FEMALES": "female", "F": "female"}
_AGE = r"(?:\d{1,3}-\d{1,3}|\d{1,3}\+|all)"


def _header(sheet: Sheet) -> tuple[int, set[str]] | None:
    for i, row in enumerate(sheet.head_text(HEADER_ROWS)):
        names = {normalise_header(c).upper() for c in row if c}
        if all(c in names for c in ["EXTRACT_DATE", "NUMBER_OF_PATIENTS"]):
            return i, names
    return None


def _kind(names: set[str]) -> str | None:
    if "AGE_GROUP_5" in names or "ORG_TYPE" in names:
        return "gp_registrations_quinary"
    if "AGE" in names or "TYPE" in names:
        return "gp_registrations_totals"
    return None


def sniff(sheets: list[Sheet]) -> bool:
    for s in sheets:
        found = _header(s)
        if found and _kind(found[1]):
            return True
    return False


def load(sheets: list[Sheet], ctx) -> LoadResult:
    sheet, h, names = None, None, set()
    for s in sheets:
        found = _header(s)
        if found:
            sheet, (h, names) = s, found
            break
    if sheet is None:
        s = sheets[0]
        raise InputError(s.file, f"no header row with EXTRACT_DATE and NUMBER_OF_PATIENTS in the "
                         f"first {HEADER_ROWS} rows", sheet=s.name,
                         expected="the NHS Digital header PUBLICATION,EXTRACT_DATE,...,NUMBER_OF_PATIENTS")
    file = sheet.file
    header = [cell_text(v) for v in sheet.cells.iloc[h]]
    position = {}
    for j, name in enumerate(header):
        if name:
            position.setdefault(normalise_header(name).upper(), j)
    kind = _kind(names) or "gp_registrations_quinary"
    needed, org_col, code_col, age_col = LAYOUTS[kind]
    missing = [c for c in COMMON + needed if c not in position]
    if missing:
        raise InputError(file, "required column(s) missing: " + ", ".join(missing), sheet=sheet.name,
                         row=sheet.row_number(h),
                         expected="the NHS Digital GP registrations header; columns present were: "
                                  + ", ".join(n for n in header if n))
    body = sheet.cells.iloc[h + 1:]
    body = body.loc[body.notna().any(axis=1)]
    rows = np.asarray(body.index, dtype=np.int64) + sheet.first_row
    body = body.reset_index(drop=True)
    rows_read = len(body)
    where = {"file": file, "sheet": sheet.name}
    warnings: list[str] = []

    def text(name):
        return pd.Series([cell_text(v) or None for v in body[position[name]]], dtype=object)

    org = text(org_col)
    is_gp = org.fillna("").str.upper().eq("GP").to_numpy(dtype=bool)
    others = org[~is_gp].fillna("(blank)").value_counts()
    if len(others):
        warnings.append(f"{int((~is_gp).sum())} row(s) for other organisation levels not kept ("
                        + ", ".join(f"{k}: {int(v)}" for k, v in others.items()) + ")")
    body, rows = body.loc[is_gp].reset_index(drop=True), rows[is_gp]
    n = len(body)
    out = pd.DataFrame(index=range(n))

    out["publication"] = text("PUBLICATION")
    out["practice_code"] = text(code_col)
    out["practice_postcode"] = text("POSTCODE")
    ccg = next((c for c in CCG_COLUMNS if c in position), None)
    out["ccg_code"] = text(ccg) if ccg else pd.Series([None] * n, dtype=object)

    blank = out["practice_code"].isna().to_numpy()
    if blank.any():
        i = int(np.flatnonzero(blank)[0])
        raise InputError(file, "a practice row has no practice code", sheet=sheet.name,
                         row=int(rows[i]), column=header[position[code_col]],
                         expected="an ODS code such as G85004")

    # Extract date: few distinct values, parsed once each.
    raw_dates = body[position["EXTRACT_DATE"]]
    cache: dict = {}
    dates = []
    for v, r in zip(raw_dates, rows):
        key = cell_text(v)
        if key not in cache:
            d = parse_date(v, **where, row=int(r), column=header[position["EXTRACT_DATE"]])
            if d is None:
                raise InputError(file, "the extract date is blank", sheet=sheet.name, row=int(r),
                                 column=header[position["EXTRACT_DATE"]],
                                 expected="a date such as 01-Apr-20, 01APR2021 or 2024-06-01")
            cache[key] = d.isoformat()
        dates.append(cache[key])
    out["extract_date"] = pd.Series(dates, dtype=object)

    sex_raw = text("SEX")
    sex = sex_raw.fillna("").str.upper().map(SEX)
    bad = sex.isna().to_numpy()
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InputError(file, f"found '{sex_raw.iloc[i] or ''}' where a sex belongs", sheet=sheet.name,
                         row=int(rows[i]), column=header[position["SEX"]], expected="ALL, MALE or FEMALE")
    out["sex"] = sex.astype(object)

    age_raw = text(age_col)
    age = age_raw.fillna("").str.strip().str.replace("_", "-", regex=False)
    age = age.where(~age.str.upper().eq("ALL"), "all")
    bad = ~age.str.fullmatch(_AGE).fillna(False).to_numpy(dtype=bool)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InputError(file, f"found '{age_raw.iloc[i] or ''}' where an age band belongs", sheet=sheet.name,
                         row=int(rows[i]), column=header[position[age_col]],
                         expected="an age band such as 0_4, 95+ or ALL")
    out["age_band"] = age.astype(object)

    out["patients"] = _counts(body[position["NUMBER_OF_PATIENTS"]], rows, where,
                              header[position["NUMBER_OF_PATIENTS"]])
    out["source_file"] = file.name
    out["source_sheet"] = sheet.name
    out["source_row"] = rows

    key = ["extract_date", "practice_code", "sex", "age_band"]
    dup = out.duplicated(subset=key)
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        raise InputError(file, f"practice {out['practice_code'].iloc[i]} has the same sex and age "
                         f"band twice for one extract date", sheet=sheet.name, row=int(rows[i]),
                         expected="one row per practice, sex and age band")
    extract_dates = sorted(set(dates))
    if len(extract_dates) > 1:
        warnings.append(f"the file holds {len(extract_dates)} extract dates: "
                        + ", ".join(extract_dates))
    publications = sorted({p for p in out["publication"].dropna()})
    meta = {"extract_date": extract_dates[-1] if extract_dates else None,
            "publisher_version": publications[0] if len(publications) == 1 else (publications or None),
            "layout": kind, "practices": int(out["practice_code"].nunique()),
            "ccg_vocabulary": ccg}
    return LoadResult(kind, TABLE, out[store_table(TABLE).names], rows_read, warnings, meta)


def _counts(values: pd.Series, rows: np.ndarray, where: dict, column: str) -> pd.Series:
    """Whole numbers >= 0, column-wise; the first bad cell is re-parsed for its located error."""
    numbers = pd.to_numeric(values.astype(object), errors="coerce").astype("float64")
    bad = (numbers.isna() | (numbers < 0) | (numbers % 1 != 0)).to_numpy(dtype=bool)
    if bad.any():
        for i in np.flatnonzero(bad):
            v = values.iloc[i]
            x = parse_number(v, **where, row=int(rows[i]), column=column)  # raises for text / negatives
            if x is None:
                shown = cell_text(v)
                raise InputError(where["file"], f"the patient count is '{shown}'" if shown
                                 else "the patient count is blank", sheet=where["sheet"],
                                 row=int(rows[i]), column=column, expected="a count of zero or more")
            if x % 1 != 0:
                raise InputError(where["file"], f"found {x:g} patients", sheet=where["sheet"],
                                 row=int(rows[i]), column=column, expected="a whole number")
            numbers.iloc[i] = x  # e.g. `1,234`
    return numbers.astype("int64")
