"""ONS "LSOA (2021) to Electoral Ward best fit lookup" (Open Geography Portal CSV): one row per
LSOA with `LSOA21CD`, `LSOA21NM`, `WDyyCD`, `WDyyNM`, `LADyyCD`, `LADyyNM` (yy the ward year:
22, 23, 24, 25) and an `ObjectId`. Census 2021 bulk tables at LSOA level are summed to wards
through it (loaders/census_bulk.py `sum_lsoas_to_wards`).

Only the authority's LSOAs are kept where an authority is named and the lookup holds it (the
national lookup has about 35,700 rows); the rest are counted in a warning. Columns other than
these (`ObjectId`, a `FID`) are named in a warning.
"""
from __future__ import annotations

import re

import pandas as pd

from domain.contract import store_table

from .errors import InputError
from .cells import cell_text
from .sheets import LoadResult, Sheet, body_below, header_cells, normalise_header

KIND = "lsoa_wards"
TABLE = "lsoa_wards"
DESCRIPTION = "ONS LSOA (2021) to electoral ward best-fit lookup"
WARD = re.compile(r"^wd(\d{2})(cd|nm)$")
LAD = re.compile(r"^lad(\d{2})(cd|nm)$")
LSOA_CODE = re.compile(r"^[EW]01\d{6}$")
WARD_CODE = re.compile(r"^[EW]05\d{6}$")


def _columns(header: list[str]) -> dict[str, int] | None:
    names = [normalise_header(h).replace("\ufeff", "") for h in header]
    found: dict[str, int] = {}
    for j, n in enumerate(names):
        if n in ("lsoa21cd", "lsoa21nm"):
            found.setdefault("lsoa_code" if n.endswith("cd") else "lsoa_name", j)
        elif (m := WARD.match(n)):
            found.setdefault("ward_code" if m.group(2) == "cd" else "ward_name", j)
            found.setdefault("_ward_year", int(m.group(1)))
        elif (m := LAD.match(n)):
            found.setdefault("lad_code" if m.group(2) == "cd" else "lad_name", j)
    return found if {"lsoa_code", "ward_code"} <= set(found) else None


def sniff(sheets: list[Sheet]) -> bool:
    head = sheets[0].head_text(1) if sheets else []
    return bool(head) and _columns(head[0]) is not None


def load(sheets: list[Sheet], ctx) -> LoadResult:
    sheet = sheets[0]
    header = header_cells(sheet, 0)
    cols = _columns(header)
    year = 2000 + cols.pop("_ward_year")
    body, rows = body_below(sheet, 0)
    if body.empty:
        raise InputError(sheet.file, "the lookup has no rows", expected="one row per LSOA below the header")
    text = {k: body[j].map(cell_text) if j in body.columns else pd.Series([""] * len(body)) for k, j in cols.items()}
    where = dict(file=sheet.file, sheet=sheet.name)
    for key, rx in (("lsoa_code", LSOA_CODE), ("ward_code", WARD_CODE)):
        bad = ~text[key].str.match(rx)
        if bad.any():
            i = int(bad.to_numpy().nonzero()[0][0])
            raise InputError(**where, row=int(rows[i]), column=header[cols[key]],
                             problem=f"'{text[key].iloc[i]}' is not an {'LSOA' if key == 'lsoa_code' else 'ward'} code",
                             expected="a GSS code: E01... for an LSOA, E05... for a ward")
    frame = pd.DataFrame({k: text[k].where(text[k] != "", None) if k in text else None
                          for k in ("lsoa_code", "lsoa_name", "ward_code", "ward_name", "lad_code", "lad_name")})
    frame["ward_year"] = year
    frame["source_file"], frame["source_sheet"], frame["source_row"] = sheet.file.name, sheet.name, rows
    dup = frame["lsoa_code"].duplicated(keep=False)
    if dup.any():
        code = frame.loc[dup, "lsoa_code"].iloc[0]
        at = frame.loc[frame["lsoa_code"] == code, "source_row"].tolist()
        raise InputError(**where, row=int(at[1]), column=header[cols["lsoa_code"]],
                         problem=f"LSOA {code} appears again (first at row {at[0]})",
                         expected="one ward per LSOA (a best-fit lookup)")
    warnings = []
    unused = [f"'{h}'" for j, h in enumerate(header) if h and j not in cols.values()]
    if unused:
        warnings.append("column(s) not used: " + ", ".join(unused))
    code = getattr(ctx, "area_code", None)
    if code and "lad_code" in cols and (frame["lad_code"] == code).any():
        other = frame["lad_code"] != code
        if other.any():
            warnings.append(f"{int(other.sum()):,} LSOA(s) of {frame.loc[other, 'lad_code'].nunique()} other "
                            "authority(ies) kept out")
            frame = frame[~other].reset_index(drop=True)
    elif code and "lad_code" in cols:
        warnings.append(f"no LSOA of the authority ({code}) in the lookup: its census LSOA tables cannot be summed "
                        "to its wards with it")
    return LoadResult(KIND, TABLE, frame.reindex(columns=store_table(TABLE).names), len(rows), warnings,
                      {"lsoas": int(len(frame)), "wards": int(frame["ward_code"].nunique()), "ward_year": year})
