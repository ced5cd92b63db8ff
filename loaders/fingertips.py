"""OHID Fingertips data CSV (JSNA indicators), 26- and 27-column versions.

Column 23 is named after the parent area type (`Compared to Region value or percentiles`,
`Compared to CCGs (from Apr 2021) value or percentiles`, ...), so it is found by pattern. Rows with
a `Category Type` are inequality breakdowns and are flagged apart from headline values. The
publisher repeats the England row in some downloads: exact duplicate keys are dropped, with a note.
"""
from __future__ import annotations

import re

import pandas as pd

from domain.contract import store_table

from .errors import InputError
from .cells import map_distinct, parse_numbers, text_or_none, year_from_period
from .csv_arrow import WHITESPACE, arrow_body, arrow_map_text, arrow_numbers, arrow_text, constant_text
from .sheets import LoadResult, Sheet, find_header_row, frame_with_header, header_names, normalise_header

KIND = "fingertips"
TABLE = "indicators"
DESCRIPTION = "OHID Fingertips indicator data CSV"

REQUIRED = ["Indicator ID", "Indicator Name", "Area Code", "Sex", "Age", "Time period", "Value"]
OPTIONAL = {
    "Parent Code": "parent_code", "Parent Name": "parent_name", "Area Type": "area_type",
    "Category Type": "category_type", "Category": "category",
    "Lower CI 95.0 limit": "lower_ci_95", "Upper CI 95.0 limit": "upper_ci_95",
    "Lower CI 99.8 limit": "lower_ci_99_8", "Upper CI 99.8 limit": "upper_ci_99_8",
    "Count": "count", "Denominator": "denominator", "Value note": "value_note",
    "Recent Trend": "recent_trend",
    "Compared to England value or percentiles": "compared_to_england",
}
NUMERIC = ["value", "lower_ci_95", "upper_ci_95", "lower_ci_99_8", "upper_ci_99_8", "count",
           "denominator"]
TEXT = ["indicator_name", "area_code", "area_name", "sex", "age", "period", "parent_code", "parent_name",
        "category_type", "category", "value_note", "recent_trend", "compared_to_england",
        "compared_to_parent"]
_PARENT = re.compile(r"^compared to (?!england)(.*?)\s*(value or percentiles)?$", re.IGNORECASE)


def sniff(sheets: list[Sheet]) -> bool:
    return any(find_header_row(s, ["Indicator ID", "Area Code", "Time period"], max_rows=3)
               is not None for s in sheets)


def _area_type(text: str) -> str:
    t = (text or "").lower()
    if t == "england":
        return "england"
    if "region" in t:
        return "region"
    if any(k in t for k in ("ua", "count", "district", "borough", "authorit")):
        return "la"
    if "ccg" in t or "icb" in t:
        return "ccg"
    return t or "la"


def load(sheets: list[Sheet], ctx) -> LoadResult:
    """Read -> map headers -> numbers, text, ids and periods validated -> repeated rows dropped."""
    sheet = next(s for s in sheets
                 if find_header_row(s, ["Indicator ID", "Area Code"], max_rows=3) is not None)
    h = find_header_row(sheet, ["Indicator ID", "Area Code"], max_rows=3)
    fast = _load_arrow(sheet, h)
    if fast is not None:
        return fast
    body = frame_with_header(sheet, h)
    out = _map_headers(sheet, h, body)
    rows_read = len(out)
    warnings: list[str] = []
    for col in NUMERIC:
        header = "Value" if col == "value" else next((h_ for h_, n in OPTIONAL.items() if n == col), col)
        out[col] = parse_numbers(out[col], out["source_row"], file=sheet.file, sheet=sheet.name,
                                 column=header, allow_negative=True, notes=warnings).to_numpy()
    out["indicator_id"] = _indicator_ids(sheet, out)
    for col in TEXT:
        out[col] = text_or_none(out[col], clean=sheet.clean_text)
    out["area_type"] = map_distinct(out["area_type"], _area_type).to_numpy()
    out.loc[out["area_code"] == "E92000001", "area_type"] = "england"
    out["is_breakdown"] = out["category_type"].notna()
    out["year"] = _years(sheet, out)
    out = _drop_repeats(out, warnings)
    out["source_file"] = sheet.file.name
    out["source_sheet"] = sheet.name
    meta = {"indicators": int(out["indicator_id"].nunique()), "latest_period": _latest_period(out)}
    return LoadResult(KIND, TABLE, out[store_table(TABLE).names].reset_index(drop=True), rows_read,
                      warnings, meta, key_checked=True)  # _drop_repeats: the publisher's repeats, first kept


def _map_headers(sheet: Sheet, h: int, body: pd.DataFrame) -> pd.DataFrame:
    """The Fingertips columns renamed to fields (optional ones empty when absent, the parent
    comparison found by pattern); a missing required column is named with those present."""
    present = {normalise_header(c): c for c in body.columns if c != "_row"}
    # One UI export wrote `AreaName`; accept it as `Area Name`.
    area_name_col = present.get("area name") or present.get("areaname")
    missing = [r for r in REQUIRED if normalise_header(r) not in present]
    if area_name_col is None:
        missing.append("Area Name")
    if missing:
        raise InputError(sheet.file, "required column(s) missing: " + ", ".join(missing),
                         sheet=sheet.name, row=sheet.row_number(h),
                         expected="the Fingertips header; columns present were: "
                                  + ", ".join(c for c in body.columns if c != "_row"))
    out = pd.DataFrame({
        "indicator_id": body[present["indicator id"]], "indicator_name": body[present["indicator name"]],
        "area_code": body[present["area code"]], "area_name": body[area_name_col],
        "sex": body[present["sex"]], "age": body[present["age"]],
        "period": body[present["time period"]], "value": body[present["value"]],
    })
    for header, name in OPTIONAL.items():
        col = present.get(normalise_header(header))
        out[name] = body[col] if col else None
    parent_cols = [c for c in body.columns if c != "_row" and _PARENT.match(c)]
    out["compared_to_parent"] = body[parent_cols[0]] if parent_cols else None
    out["compared_to_parent_label"] = (_PARENT.match(parent_cols[0]).group(1).strip()
                                       if parent_cols else None)
    out["source_row"] = body["_row"].astype(int)
    return out


def _indicator_ids(sheet: Sheet, out: pd.DataFrame) -> pd.Series:
    """Indicator ids as whole numbers (`93764` or `93764.0`)."""
    ids = out["indicator_id"].astype(str)
    bad = out[~ids.str.fullmatch(r"\d{1,9}(\.0)?")]  # ids have 5 or 6 digits; 20 would not fit a whole number
    if len(bad):
        r = bad.iloc[0]
        raise InputError(sheet.file, f"found '{r['indicator_id']}' where an indicator number belongs",
                         sheet=sheet.name, row=int(r["source_row"]), column="Indicator ID",
                         expected="a whole number such as 93764")
    return ids.str.replace(r"\.0$", "", regex=True).astype(int)


def _years(sheet: Sheet, out: pd.DataFrame) -> pd.Series:
    """The first calendar year of each period (each distinct period parsed once)."""
    year = map_distinct(out["period"], lambda p: year_from_period(p) if p is not None else None)
    year = pd.Series(pd.to_numeric(year.to_numpy(), errors="coerce"), index=out.index)
    bad_period = out[year.isna()]
    if len(bad_period):
        r = bad_period.iloc[0]
        raise InputError(sheet.file, f"found '{r['period']}' where a time period belongs",
                         sheet=sheet.name, row=int(r["source_row"]), column="Time period",
                         expected="a period such as 2016, 2016/17 or 2014 - 16")
    return year


def _latest_period(out: pd.DataFrame) -> str | None:
    """The period of the row a sort by year puts last (`out.sort_values("year")`'s order, found
    by sorting the year column alone, not the whole frame)."""
    if not out["period"].notna().any():
        return None
    last = out["year"].to_numpy().argsort(kind="quicksort")[-1]
    return str(out["period"].iloc[last])


def _drop_repeats(out: pd.DataFrame, warnings: list[str]) -> pd.DataFrame:
    """The publisher repeats rows (the England row) in some downloads: keep the first."""
    key = ["indicator_id", "area_code", "sex", "age", "category_type", "category", "period"]
    dup = out.duplicated(subset=key, keep="first")
    if dup.any():
        warnings.append(f"{int(dup.sum())} repeated row(s) (same indicator, area, sex, age, "
                        f"category and period) dropped, e.g. row {int(out.loc[dup, 'source_row'].iloc[0])}")
        out = _rows(out, ~dup.to_numpy())
    return out


def _rows(frame: pd.DataFrame, keep) -> pd.DataFrame:
    """``frame.loc[keep]``, with each Arrow-backed text column filtered by Arrow (a filter, not a
    take by position per column: a national export's 600,000 rows x 20 text columns)."""
    import pyarrow as pa

    mask = pa.array(keep)
    return pd.DataFrame({c: pa.array(frame[c]).filter(mask).to_pandas().astype("str")
                         if isinstance(frame[c].dtype, pd.StringDtype) else frame[c].to_numpy()[keep]
                         for c in frame.columns})


def _load_arrow(sheet: Sheet, h: int) -> LoadResult | None:
    """`load` for a file Arrow read (`Sheet.arrow`: every national export), on whole columns: the
    same rows, values, warnings and order, with no Python object per text cell. A number column
    that is not all plain numbers goes through `parse_numbers` as in `load` (same notes, same
    errors); anything else that would fail (an indicator id or period that is not one, a missing
    column) answers None, and `load` reads the file cell by cell to name it."""
    import pyarrow.compute as pc

    names = header_names(sheet, h) if sheet.arrow is not None else []
    columns = _arrow_columns(names)
    if columns is None:
        return None  # `load` names what is missing
    table, rows = arrow_body(sheet, h)
    body = {name: table.column(j) for j, name in enumerate(names)}
    ids = body[columns["indicator_id"]]
    if ids.null_count or not pc.all(pc.match_substring_regex(ids, r"^\d{1,9}(\.0)?$")).as_py():
        return None
    years = arrow_map_text(body[columns["period"]], lambda p: None if p is None else str(year_from_period(p)))
    if years.isna().any() or (years == "None").any():
        return None
    out, warnings = _arrow_frame(sheet, body, columns, rows)
    out["indicator_id"] = pc.cast(pc.replace_substring_regex(ids, r"\.0$", ""), "int64").to_numpy()
    out.loc[out["area_code"] == "E92000001", "area_type"] = "england"
    out["is_breakdown"] = out["category_type"].notna()
    out["year"] = years.astype("int64").to_numpy()
    out = _drop_repeats(out, warnings)
    out["source_file"] = sheet.file.name
    out["source_sheet"] = sheet.name
    meta = {"indicators": int(out["indicator_id"].nunique()), "latest_period": _latest_period(out)}
    return LoadResult(KIND, TABLE, out[store_table(TABLE).names].reset_index(drop=True), table.num_rows,
                      warnings, meta, key_checked=True)


def _arrow_columns(names: list[str]) -> dict[str, str | None] | None:
    """Each field's column (as `_map_headers` finds it), or None when a required one is missing."""
    present = {normalise_header(c): c for c in names}
    area_name = present.get("area name") or present.get("areaname")
    if not names or area_name is None or any(normalise_header(r) not in present for r in REQUIRED):
        return None
    columns = {"indicator_id": present["indicator id"], "indicator_name": present["indicator name"],
               "area_code": present["area code"], "area_name": area_name, "sex": present["sex"],
               "age": present["age"], "period": present["time period"], "value": present["value"]}
    columns.update({name: present.get(normalise_header(header)) for header, name in OPTIONAL.items()})
    parent = [c for c in names if _PARENT.match(c)]
    columns["compared_to_parent"] = parent[0] if parent else None
    return columns


def _arrow_frame(sheet: Sheet, body: dict, columns: dict, rows) -> tuple[pd.DataFrame, list[str]]:
    """The text and number fields, the parent comparison's label and each row's area type."""
    import pyarrow.compute as pc

    n, out, warnings = len(rows), {}, []
    for field, header in columns.items():
        if field in NUMERIC:
            out[field] = _arrow_numbers(sheet, body, header, field, rows, warnings)
        elif field != "indicator_id":  # `text_or_none`: stripped as `str.strip` strips
            out[field] = constant_text(None, n) if not header else arrow_text(
                body[header] if sheet.clean_text else pc.utf8_trim(body[header], characters=WHITESPACE))
    parent = columns["compared_to_parent"]
    out["compared_to_parent_label"] = constant_text(_PARENT.match(parent).group(1).strip() if parent else None, n)
    out["area_type"] = arrow_map_text(body[columns["area_type"]], _area_type) if columns["area_type"] \
        else constant_text(_area_type(None), n)
    out["source_row"] = rows
    return pd.DataFrame(out), warnings


def _arrow_numbers(sheet: Sheet, body: dict, header: str | None, field: str, rows, warnings: list[str]):
    """A number column: Arrow's cast when every cell is a plain number, else `parse_numbers` over
    its cells (suppression markers, `1,234`), exactly as `load` reads it."""
    import numpy as np

    if header is None:
        return np.full(len(rows), np.nan)
    numbers = arrow_numbers(body[header])
    if numbers is not None:
        return numbers
    named = "Value" if field == "value" else next((h_ for h_, n in OPTIONAL.items() if n == field), field)
    cells = pd.Series(body[header].to_numpy(zero_copy_only=False), dtype=object)
    return parse_numbers(cells, rows, file=sheet.file, sheet=sheet.name, column=named, allow_negative=True,
                         notes=warnings).to_numpy()
