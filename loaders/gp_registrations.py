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
from domain.vocabulary import parse_age_band

from .errors import InputError
from .cells import cell_text, map_distinct, parse_date, parse_dates, parse_number, plain_numbers, text_or_none
from .csv_arrow import arrow_body, arrow_counts, arrow_map_distinct, arrow_text, constant_text
from .sheets import LoadResult, Sheet, body_below, header_cells, normalise_header, positions
from .plausible import screen

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
    """Read -> map headers -> keep practice rows -> validate and map each column -> check keys."""
    sheet, h, names = _find_header(sheets)
    header, position, kind = _map_headers(sheet, h, names)
    fast = _load_arrow(sheet, h, position, kind)
    if fast is not None:
        return fast
    _, org_col, code_col, age_col = LAYOUTS[kind]
    body, rows = body_below(sheet, h)
    rows_read = len(body)
    warnings: list[str] = []
    body, rows = _practice_rows(body, rows, position[org_col], warnings)
    col = _Columns(sheet, body, rows, header, position)
    out = pd.DataFrame({"publication": col.text("PUBLICATION"), "practice_code": col.text(code_col),
                        "practice_postcode": col.text("POSTCODE")})
    ccg = next((c for c in CCG_COLUMNS if c in position), None)
    out["ccg_code"] = col.text(ccg) if ccg else pd.Series([None] * len(body), dtype=object)
    col.first_bad(out["practice_code"].isna(), code_col, "a practice row has no practice code",
                  "an ODS practice code: a letter and five digits")
    out["extract_date"] = _extract_dates(col)
    out["sex"] = _sexes(col)
    out["age_band"] = _age_bands(col, age_col)
    out["patients"] = _counts(body[position["NUMBER_OF_PATIENTS"]], rows, col.where,
                              header[position["NUMBER_OF_PATIENTS"]])
    out["source_file"] = sheet.file.name
    out["source_sheet"] = sheet.name
    out["source_row"] = rows
    _check_unique(out, col)
    return LoadResult(kind, TABLE, out[store_table(TABLE).names], rows_read,
                      warnings + _date_warnings(out), _meta(out, kind, ccg), headers=_headers(header, position, kind),
                      key_checked=True)  # _check_unique


def _headers(header: list[str], position: dict[str, int], kind: str) -> dict[str, str]:
    """Store column -> the header as the file writes it (for ingest's messages)."""
    _, _, code_col, age_col = LAYOUTS[kind]
    names = {"extract_date": "EXTRACT_DATE", "practice_code": code_col, "sex": "SEX", "age_band": age_col,
             "patients": "NUMBER_OF_PATIENTS"}
    return {k: header[position[v]] for k, v in names.items() if v in position}


def _load_arrow(sheet: Sheet, h: int, position: dict[str, int], kind: str) -> LoadResult | None:
    """`load` for a file Arrow read (`Sheet.arrow`, every national file), whole columns at a time:
    the same practice rows, values and warnings, with no Python object per cell. Any cell that
    would fail a check (a blank, a count that is not a plain whole number, an unknown sex, age
    band or date, a repeated key) answers None, and `load` reads the file cell by cell to name
    it, so its errors are exactly the cell-by-cell path's."""
    if sheet.arrow is None or not sheet.clean_text:
        return None
    _, org_col, code_col, age_col = LAYOUTS[kind]
    body, rows = arrow_body(sheet, h)
    rows_read = body.num_rows
    warnings: list[str] = []
    body, rows = _arrow_practice_rows(body, rows, position[org_col], warnings)

    def column(name):  # one Arrow array (arrow_body leaves each column in one chunk)
        return body.column(position[name]).combine_chunks()

    values = _arrow_values(sheet, column, code_col, age_col)
    if values is None:
        return None
    n = body.num_rows
    ccg = next((c for c in CCG_COLUMNS if c in position), None)
    out = pd.DataFrame({
        "publication": arrow_text(column("PUBLICATION")), "practice_code": arrow_text(column(code_col)),
        "practice_postcode": arrow_text(column("POSTCODE")),
        "ccg_code": arrow_text(column(ccg)) if ccg else constant_text(None, n), **values,
        "source_file": constant_text(sheet.file.name, n), "source_sheet": constant_text(sheet.name, n),
        "source_row": rows})
    return LoadResult(kind, TABLE, out[store_table(TABLE).names], rows_read,
                      warnings + _date_warnings(out), _meta(out, kind, ccg),
                      headers=_headers(header_cells(sheet, h), position, kind), key_checked=True)  # _arrow_values


def _arrow_practice_rows(body, rows: np.ndarray, org_position: int, warnings: list[str]):
    """`_practice_rows` on Arrow columns: `GP` rows kept, the other levels counted in a warning."""
    import pyarrow.compute as pc

    org = body.column(org_position)
    is_gp = pc.fill_null(pc.equal(pc.utf8_upper(org), "GP"), False)
    if pc.all(is_gp).as_py():
        return body, rows
    other = pd.Series(org.filter(pc.invert(is_gp)).to_numpy(), dtype=object)
    counts = other.fillna("(blank)").value_counts()
    warnings.append(f"{len(other)} row(s) for other organisation levels not kept ("
                    + ", ".join(f"{k}: {int(v)}" for k, v in counts.items()) + ")")
    return body.filter(is_gp), rows[is_gp.to_numpy()]


def _arrow_values(sheet: Sheet, column, code_col: str, age_col: str) -> dict | None:
    """Extract dates, sexes, age bands and counts of the practice rows, each distinct cell parsed
    once; None if any cell fails or a (date, practice, sex, age band) key repeats."""
    import pyarrow.compute as pc

    def iso_date(v):
        try:
            d = parse_date(v, file=sheet.file, sheet=sheet.name)
        except InputError:
            return None
        return d.isoformat() if d else None

    code = column(code_col)
    dates = arrow_map_distinct(column("EXTRACT_DATE"), iso_date)
    sexes = arrow_map_distinct(column("SEX"), lambda v: SEX.get(v.upper()))
    bands = arrow_map_distinct(column(age_col), lambda v: parse_age_band(v.replace("_", "-")))
    patients = arrow_counts(column("NUMBER_OF_PATIENTS"))
    if code.null_count or dates is None or sexes is None or bands is None or patients is None:
        return None
    practices = pc.dictionary_encode(code)
    practice = practices.indices.to_numpy().astype(np.int64)
    n_sexes, n_bands = int(sexes[1].max(initial=0)) + 1, int(bands[1].max(initial=0)) + 1
    key = ((dates[1] * len(practices.dictionary) + practice) * n_sexes + sexes[1]) * n_bands + bands[1]
    if pd.Series(key).duplicated().any():  # one number per key: a repeat is a duplicated row
        return None
    return {"extract_date": arrow_text(dates[0]), "sex": arrow_text(sexes[0]), "age_band": arrow_text(bands[0]),
            "patients": patients}


def _find_header(sheets: list[Sheet]) -> tuple[Sheet, int, set[str]]:
    """The first sheet with an NHS Digital header in its first rows."""
    for s in sheets:
        found = _header(s)
        if found:
            return s, found[0], found[1]
    s = sheets[0]
    raise InputError(s.file, f"no header row with EXTRACT_DATE and NUMBER_OF_PATIENTS in the "
                     f"first {HEADER_ROWS} rows", sheet=s.name,
                     expected="the NHS Digital header PUBLICATION,EXTRACT_DATE,...,NUMBER_OF_PATIENTS")


def _map_headers(sheet: Sheet, h: int, names: set[str]) -> tuple[list[str], dict[str, int], str]:
    """Header as written, upper-cased header -> position, and the layout; a missing required
    column is named with the columns that are there."""
    header = header_cells(sheet, h)
    position = positions(header, lambda n: normalise_header(n).upper())
    kind = _kind(names) or "gp_registrations_quinary"
    needed = LAYOUTS[kind][0]
    missing = [c for c in COMMON + needed if c not in position]
    if missing:
        raise InputError(sheet.file, "required column(s) missing: " + ", ".join(missing),
                         sheet=sheet.name, row=sheet.row_number(h),
                         expected="the NHS Digital GP registrations header; columns present were: "
                                  + ", ".join(n for n in header if n))
    return header, position, kind


def _practice_rows(body: pd.DataFrame, rows: np.ndarray, org_position: int,
                   warnings: list[str]) -> tuple[pd.DataFrame, np.ndarray]:
    """Only `GP` rows are practices; the other organisation levels are counted in a warning."""
    org = text_or_none(body[org_position])
    is_gp = map_distinct(org, lambda v: (v or "").upper() == "GP").to_numpy(dtype=bool)
    others = org[~is_gp].fillna("(blank)").value_counts()
    if len(others):
        warnings.append(f"{int((~is_gp).sum())} row(s) for other organisation levels not kept ("
                        + ", ".join(f"{k}: {int(v)}" for k, v in others.items()) + ")")
    return body.loc[is_gp].reset_index(drop=True), rows[is_gp]


class _Columns:
    """The practice rows' cells by header name, and located errors for them."""

    def __init__(self, sheet: Sheet, body: pd.DataFrame, rows: np.ndarray, header: list[str],
                 position: dict[str, int]):
        self.sheet, self.body, self.rows, self.header, self.position = sheet, body, rows, header, position
        self.where = {"file": sheet.file, "sheet": sheet.name}

    def raw(self, name: str) -> pd.Series:
        return self.body[self.position[name]]

    def text(self, name: str) -> pd.Series:
        return text_or_none(self.raw(name), clean=self.sheet.clean_text)

    def written(self, name: str) -> str:
        return self.header[self.position[name]]

    def first_bad(self, bad, name: str, problem, expected: str, *, column: bool = True) -> None:
        """Raise for the first row flagged in ``bad``; ``problem`` may be a function of its index."""
        bad = np.asarray(bad, dtype=bool)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise InputError(self.sheet.file, problem(i) if callable(problem) else problem,
                             sheet=self.sheet.name, row=int(self.rows[i]),
                             column=self.written(name) if column else None, expected=expected)


def _extract_dates(col: _Columns) -> pd.Series:
    """Extract dates as ISO text: few distinct values, each parsed once; none may be blank."""
    dates = parse_dates(col.raw("EXTRACT_DATE"), col.rows, **col.where,
                        column=col.written("EXTRACT_DATE"))
    col.first_bad(dates.isna(), "EXTRACT_DATE", "the extract date is blank",
                  "a date such as 01-Apr-20, 01APR2021 or 2024-06-01")
    return dates


def _sexes(col: _Columns) -> pd.Series:
    """ALL / MALE / FEMALE (and their variants) -> persons / male / female."""
    raw = col.text("SEX")
    sex = map_distinct(raw, lambda v: SEX.get((v or "").upper()))
    col.first_bad(sex.isna(), "SEX", lambda i: f"found '{raw.iloc[i] or ''}' where a sex belongs",
                  "ALL, MALE or FEMALE")
    return sex.astype(object)


def _age_bands(col: _Columns, age_col: str) -> pd.Series:
    """NHS Digital's `0_4`, `95+`, `ALL` in the vocabulary's form (`0-4`, `95+`, `all`); each
    distinct cell is parsed once by `domain.vocabulary.parse_age_band`."""
    raw = col.text(age_col)
    bands = map_distinct(raw, lambda v: parse_age_band(v.replace("_", "-")) if v else None)
    col.first_bad(bands.isna(), age_col,
                  lambda i: f"found '{raw.iloc[i] or ''}' where an age band belongs",
                  "an age band such as 0_4, 95+ or ALL")
    return bands.astype(object)


def _check_unique(out: pd.DataFrame, col: _Columns) -> None:
    """One row per extract date, practice, sex and age band."""
    dup = out.duplicated(subset=["extract_date", "practice_code", "sex", "age_band"]).to_numpy()
    col.first_bad(dup, "SEX", lambda i: f"practice {out['practice_code'].iloc[i]} has the same sex and "
                  f"age band twice for one extract date", "one row per practice, sex and age band",
                  column=False)


def _date_warnings(out: pd.DataFrame) -> list[str]:
    dates = sorted(out["extract_date"].unique())
    return [f"the file holds {len(dates)} extract dates: " + ", ".join(dates)] if len(dates) > 1 else []


def _meta(out: pd.DataFrame, kind: str, ccg: str | None) -> dict:
    dates = sorted(out["extract_date"].unique())
    publications = sorted(out["publication"].dropna().unique())
    return {"extract_date": dates[-1] if dates else None,
            "publisher_version": publications[0] if len(publications) == 1 else (publications or None),
            "layout": kind, "practices": int(out["practice_code"].nunique()), "ccg_vocabulary": ccg}


def _counts(values: pd.Series, rows: np.ndarray, where: dict, column: str) -> pd.Series:
    """Whole numbers >= 0, column-wise; the first bad cell is re-parsed for its located error."""
    plain = plain_numbers(values)
    if plain is not None and not (np.isnan(plain) | (plain < 0) | (plain % 1 != 0)).any():
        # the national file: one cast, after the plausible range (1e308 would wrap round as int64)
        screen(plain, rows, table=TABLE, column="patients", **where, header=column)
        return pd.Series(plain.astype("int64"), index=values.index)
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
    screen(numbers, rows, table=TABLE, column="patients", **where, header=column)
    return numbers.astype("int64")
