"""Census tables by area (a ward, the authority, the region, England), in either layout their
publishers use:

- **wide**: one row per area, one column per census category, such as the Census 2011 health and
  unpaid care tables re-cut to wards (`WD22CD_proposed`, then long-term health problem or
  disability, general health, and provision of unpaid care by hours) and their references file
  (`Name, Code, Rural Urban`, with England, London and the authority);
- **long**: one row per area and category, as Nomis datasets, ONS custom downloads and council
  data teams publish them (e.g. a council data lab's Census 2021 tables:
  `area_code, area_name, geography, period, indicator, <category>, measure, unit, value`).

Categories are recognised by their census wording through data/lookups/census_measures.csv
(header -> measure key, topic, the census whose wording it is, the full classifications it belongs
to): a new table needs rows there, not code. The area's type comes from its GSS code (E05 ward,
E06-E10 authority, E12 region, E92 England).

The census year comes from the file: a date, period or year column (census day, 2021-03-21), a
title line above the header ("Census 2021"), or the category wording where it belongs to one
census only (2011's "Provides 1 to 19 hours", 2021's "Provides 9 hours or less"). A file that
says none of these is refused with one line saying how to state it; a file whose stated year and
wording disagree is refused too. Every column is either read or named in a warning.

Where the file gives every category of a classification (e.g. all five general health
categories) but not its total, the total is added (`total_<topic>`), so shares have a base.
Ward rows the authority does not hold (not in its profile's wards, or, without them, not among
its boundary file's wards) and other authorities' rows are kept out and named in a warning
(`keep_authority_rows`).
"""
from __future__ import annotations

import re

import pandas as pd

from domain.contract import store_table

from .errors import InputError
from .cells import cell_text, parse_number
from .sheets import LoadResult, Sheet, load_lookup, normalise_header

KIND = "census_areas"
TABLE = "census"
DESCRIPTION = "Census tables by ward or area (wide or long; e.g. health, disability and unpaid care)"
LOOKUP = "census_measures.csv"
CODE_HEADER = re.compile(r"^(?:(?:wd|lad|cty|utla|ltla|rgn|ctry)\d{2}cd(?:_\w+)?|code|area code|area_code|geography code|"
                         r"geography_code|geography code \(gss\)|mnemonic|.* code)$")
NAME_HEADERS = {"name", "area name", "area_name", "geography", "geography_name", "ward name", "ward_name"}
VALUE_HEADERS = {"value", "obs_value", "observation", "count", "observations"}
DATE_HEADERS = {"date", "period", "date_name", "census_year", "census year", "year", "census date"}
MEASURE_HEADERS = {"measure", "measures", "measures_name", "measure_name"}
COUNT_MEASURES = {"", "count", "value", "number", "persons", "people"}
AREA_TYPES = [(re.compile(r"^E05"), "ward"), (re.compile(r"^E0[6-9]|^E10"), "la"),
              (re.compile(r"^E12"), "region"), (re.compile(r"^E92"), "england")]
MIN_MEASURES = 3  # columns the lookup must recognise before a sheet counts as a wide census table
MIN_CATEGORIES = 2  # categories the lookup must recognise in a column of a long table's first rows
TITLE_YEAR = re.compile(r"census\D{0,12}((?:19|20)\d1)\b|\b((?:19|20)\d1)\s+census", re.I)
YEAR_IN = re.compile(r"\b((?:19|20)\d{2})\b")
HOW_TO_STATE = ("a column `census_year` (e.g. 2021) or `period` (census day, e.g. 2021-03-21), or a title line "
                "such as 'Census 2021' above the header")


def _measures(lookups_dir) -> dict[str, dict]:
    lookup = load_lookup(LOOKUP, lookups_dir)
    if "classifications" not in lookup.columns:
        lookup["classifications"] = ""
    return {normalise_header(r["header"]): r for r in lookup.to_dict("records")}


def _classifications(known: dict) -> dict[str, set[str]]:
    """Classification name -> the measure keys that complete it (from the lookup)."""
    out: dict[str, set[str]] = {}
    for r in known.values():
        for name in str(r.get("classifications") or "").split():
            out.setdefault(name, set()).add(r["measure"])
    return out


def _wide_header(sheet: Sheet, known: dict) -> tuple[int, list[str]] | None:
    for i, row in enumerate(sheet.head_text(5)):
        names = [normalise_header(c) for c in row]
        if any(CODE_HEADER.match(n) for n in names) and sum(n in known for n in names) >= MIN_MEASURES:
            return i, names
    return None


def _long_header(sheet: Sheet, known: dict) -> tuple[int, list[str], int] | None:
    """(header row, names, category column) of a long table: an area code column, a value column,
    and a column whose values below are census categories the lookup knows."""
    head = sheet.head_text(60)
    for i, row in enumerate(head[:5]):
        names = [normalise_header(c) for c in row]
        if not (any(CODE_HEADER.match(n) for n in names) and any(n in VALUE_HEADERS for n in names)):
            continue
        for j in range(len(names)):
            values = {normalise_header(r[j]) for r in head[i + 1:] if j < len(r)}
            if len(values & set(known)) >= MIN_CATEGORIES:
                return i, names, j
    return None


def sniff(sheets: list[Sheet]) -> bool:
    from . import DEFAULT_LOOKUPS
    known = _measures(DEFAULT_LOOKUPS)
    return any(_wide_header(s, known) or _long_header(s, known) for s in sheets)


def area_type(code: str) -> str:
    return next((kind for rx, kind in AREA_TYPES if rx.match(code)), "other")


def _title_year(sheet: Sheet, header_row: int) -> int | None:
    for row in sheet.head_text(header_row):
        for cell in row:
            m = TITLE_YEAR.search(cell)
            if m:
                return int(m.group(1) or m.group(2))
    return None


def _year_of(text: str, where: dict, column: str) -> int:
    m = YEAR_IN.search(text)
    if not m or int(m.group(1)) % 10 != 1:
        raise InputError(**where, column=column, problem=f"'{text}' is not a census date or year",
                         expected="a census year such as 2021, or census day, 2021-03-21")
    return int(m.group(1))


def load(sheets: list[Sheet], ctx) -> LoadResult:
    known = _measures(ctx.lookups_dir)
    for s in sheets:
        if (found := _wide_header(s, known)):
            records, warnings, rows_read, unused = _load_wide(s, found, known)
            break
        if (found := _long_header(s, known)):
            records, warnings, rows_read, unused = _load_long(s, found, known)
            break
    else:  # pragma: no cover - sniff chose this loader
        raise InputError(sheets[0].file, "no census table found", expected="a census table by area")
    if not records:
        raise InputError(s.file, "the census table has no area rows", sheet=s.name,
                         expected="one row per area below the header")
    if unused:
        warnings.insert(0, "column(s) not used: " + "; ".join(unused))
    frame = pd.DataFrame.from_records(records)
    frame = _settle_years(frame, s)
    frame, kept_out = _authority_rows(frame, ctx)  # first: a national file keeps only the authority's rows
    frame, derived, notes = _add_totals(frame, known)
    warnings += notes
    if derived:
        warnings.append("totals added from their categories (the file gives none): " + ", ".join(derived))
    warnings += kept_out
    frame = frame.reindex(columns=store_table(TABLE).names)
    years = sorted(frame["census_year"].dropna().unique().tolist())
    areas = frame.drop_duplicates("area_code")["area_type"].value_counts().to_dict()
    return LoadResult(KIND, TABLE, frame, rows_read, warnings,
                      {"areas": areas, "measures": int(frame["measure"].nunique()), "census_years": years})


def _record(code, name, m, year, value, sheet: Sheet, row: int, year_from: str) -> dict:
    return {"area_code": code, "area_name": name or None, "area_type": area_type(code),
            "measure": m["measure"], "topic": m["topic"], "census_year": year, "_year_from": year_from,
            "_wording_year": int(m["census_year"]) if str(m.get("census_year") or "").strip() else None,
            "_header": m["header"], "value": value, "source_file": sheet.file.name, "source_sheet": sheet.name,
            "source_row": row}


def _check_code(code: str, where: dict, column: str) -> None:
    if not re.match(r"^[EWSNK]\d{8}$", code):
        raise InputError(**where, column=column, problem=f"'{code}' is not an area code",
                         expected="a GSS code such as E05000001 (a ward) or E92000001 (England)")


def _load_wide(sheet: Sheet, found, known: dict):
    h, names = found
    header = [cell_text(c) for c in sheet.cells.iloc[h]]
    code_col = next(j for j, n in enumerate(names) if CODE_HEADER.match(n))
    name_col = next((j for j, n in enumerate(names) if n in NAME_HEADERS), None)
    date_col = next((j for j, n in enumerate(names) if n in DATE_HEADERS), None)
    measure_cols = [(j, known[n]) for j, n in enumerate(names) if n in known]
    used = {code_col, name_col, date_col, *(j for j, _ in measure_cols)}
    unused = [f"'{header[j]}' (not a census category data/lookups/census_measures.csv knows)"
              for j in range(len(names)) if j not in used and header[j]]
    title = _title_year(sheet, h)
    body = sheet.cells.iloc[h + 1:]
    records, warnings, seen = [], [], {}
    for i, row in body.iterrows():
        if row.isna().all():
            continue
        file_row = sheet.row_number(i)
        where = dict(file=sheet.file, sheet=sheet.name, row=file_row)
        code = cell_text(row[code_col])
        _check_code(code, where, header[code_col])
        if code in seen:
            raise InputError(**where, column=header[code_col], problem=f"area {code} appears again (first at row "
                             f"{seen[code]})", expected="one row per area")
        seen[code] = file_row
        year, year_from = title, "title"
        if date_col is not None and cell_text(row[date_col]):
            year, year_from = _year_of(cell_text(row[date_col]), where, header[date_col]), header[date_col]
        name = cell_text(row[name_col]) if name_col is not None else None
        for j, m in measure_cols:
            value = parse_number(row[j], **where, column=header[j], notes=warnings)
            records.append(_record(code, name, m, year, value, sheet, file_row, year_from))
    return records, warnings, len(seen), unused


def _load_long(sheet: Sheet, found, known: dict):
    h, names, cat_col = found
    header = [cell_text(c) for c in sheet.cells.iloc[h]]
    code_col = next(j for j, n in enumerate(names) if CODE_HEADER.match(n))
    name_col = next((j for j, n in enumerate(names) if n in NAME_HEADERS and j != cat_col), None)
    value_col = next(j for j, n in enumerate(names) if n in VALUE_HEADERS)
    date_col = next((j for j, n in enumerate(names) if n in DATE_HEADERS), None)
    measure_col = next((j for j, n in enumerate(names) if n in MEASURE_HEADERS), None)
    used = {code_col, name_col, value_col, date_col, measure_col, cat_col}
    unused = [f"'{header[j]}'" for j in range(len(names)) if j not in used and header[j]]
    title = _title_year(sheet, h)
    body = sheet.cells.iloc[h + 1:]
    records, warnings, seen = [], [], {}
    unknown: dict[str, int] = {}
    not_counts: dict[str, int] = {}
    rows_read = 0
    for i, row in body.iterrows():
        if row.isna().all():
            continue
        rows_read += 1
        file_row = sheet.row_number(i)
        where = dict(file=sheet.file, sheet=sheet.name, row=file_row)
        code = cell_text(row[code_col])
        _check_code(code, where, header[code_col])
        category = cell_text(row[cat_col])
        m = known.get(normalise_header(category))
        if m is None:
            unknown[category] = unknown.get(category, 0) + 1
            continue
        if measure_col is not None and normalise_header(cell_text(row[measure_col])) not in COUNT_MEASURES:
            kind = cell_text(row[measure_col])
            not_counts[kind] = not_counts.get(kind, 0) + 1
            continue
        year, year_from = title, "title"
        if date_col is not None and cell_text(row[date_col]):
            year, year_from = _year_of(cell_text(row[date_col]), where, header[date_col]), header[date_col]
        key = (code, m["measure"], year)
        if key in seen:
            raise InputError(**where, column=header[cat_col], problem=f"area {code} has '{category}' again (first at "
                             f"row {seen[key]})", expected="one row per area and category")
        seen[key] = file_row
        name = cell_text(row[name_col]) if name_col is not None else None
        value = parse_number(row[value_col], **where, column=header[value_col], notes=warnings)
        records.append(_record(code, name, m, year, value, sheet, file_row, year_from))
    return records, warnings + _left_out(unknown, not_counts), rows_read, unused


def _left_out(unknown: dict[str, int], not_counts: dict[str, int]) -> list[str]:
    """A long table's rows not read, by category or measure, with how many of each."""
    notes = []
    if unknown:
        notes.append(f"{sum(unknown.values())} row(s) of categories data/lookups/census_measures.csv does not "
                     "know, left out: " + "; ".join(f"'{k}' ({n})" for k, n in list(unknown.items())[:6]))
    if not_counts:
        notes.append(f"{sum(not_counts.values())} row(s) that are not counts of people, left out (shares are "
                     "worked out from the counts): " + "; ".join(f"'{k}' ({n})" for k, n in not_counts.items()))
    return notes


def _settle_years(frame: pd.DataFrame, sheet: Sheet) -> pd.DataFrame:
    """Every row's census year: the file's (date column or title) checked against the wording,
    else the wording's. Refuses a file that says no year, or whose year and wording disagree."""
    stated = frame["census_year"]
    wording = frame["_wording_year"]
    clash = stated.notna() & wording.notna() & (stated != wording)
    if clash.any():
        r = frame[clash].iloc[0]
        raise InputError(sheet.file, f"'{r['_header']}' is Census {int(r['_wording_year'])} wording, but the file "
                         f"says {int(r['census_year'])} ({r['_year_from']})", sheet=sheet.name,
                         row=int(r["source_row"]), expected="a file whose year and categories are the same census")
    if stated.isna().any():
        wording_years = wording.dropna().unique()
        if len(wording_years) == 1:
            frame["census_year"] = stated.fillna(wording_years[0])
        elif len(wording_years) > 1:
            raise InputError(sheet.file, "the categories mix the wording of the "
                             + " and ".join(str(int(y)) for y in sorted(wording_years)) + " censuses and the file "
                             "states no year", sheet=sheet.name, expected=HOW_TO_STATE)
        else:
            raise InputError(sheet.file, "the file does not say which census it is from (its categories are worded "
                             "the same in 2011 and 2021)", sheet=sheet.name, expected=HOW_TO_STATE)
    frame["census_year"] = frame["census_year"].astype(int)
    return frame.drop(columns=["_wording_year", "_year_from", "_header"])


def _add_totals(frame: pd.DataFrame, known: dict) -> tuple[pd.DataFrame, list[str], list[str]]:
    """A bare `Total` column becomes its topic's total; where an area has every category of a
    classification and no total for its topic, `total_<topic>` is their sum (its source row is the
    row of the first category)."""
    topics = sorted(set(frame.loc[frame["measure"] != "total", "topic"]) - {"population", ""})
    notes: list[str] = []
    if (frame["measure"] == "total").any():
        if len(topics) != 1:
            frame = frame[frame["measure"] != "total"]
            notes.append("the 'Total' column is left out: the file holds " + (" and ".join(topics) or "no topic")
                         + ", so whose total it is is not clear")
        else:
            frame.loc[frame["measure"] == "total", ["measure", "topic"]] = [f"total_{topics[0]}", topics[0]]
    complete = _classifications(known)
    added, made = [], set()
    keys = ["area_code", "census_year", "topic"]
    for (_code, _year, topic), part in frame[frame["topic"].isin(topics)].groupby(keys, sort=False):
        total = f"total_{topic}"
        have = set(part["measure"])
        if total in have:
            continue
        for members in complete.values():
            if members <= have:
                rows = part[part["measure"].isin(members)]
                first = rows.iloc[0]
                added.append({**first.to_dict(), "measure": total, "value": rows["value"].sum(min_count=len(rows))})
                made.add(total)
                break
    if added:
        frame = pd.concat([frame, pd.DataFrame(added)], ignore_index=True)
    return frame, sorted(made), notes


def _authority_rows(frame: pd.DataFrame, ctx) -> tuple[pd.DataFrame, list[str]]:
    """Rows another authority's: wards not in the profile's wards (when it lists them) and other
    authorities' own rows are kept out and named. Regions and England stay (comparators)."""
    warnings = []
    wards = ctx.authority_lookup("wards.csv") if ctx is not None else None
    if wards is not None and "ward_code" in wards.columns and len(wards):
        listed = set(wards["ward_code"].astype(str).str.strip().str.upper())
        out = (frame["area_type"] == "ward") & ~frame["area_code"].isin(listed)
        if out.any():
            warnings.append(_kept_out(frame[out], "ward(s) not in the authority's profile wards (wards.csv)"))
            frame = frame[~out]
    code = getattr(ctx, "area_code", None)
    if code:
        out = (frame["area_type"] == "la") & (frame["area_code"] != code)
        if out.any():
            warnings.append(_kept_out(frame[out], f"other authority(ies) than {code}"))
            frame = frame[~out]
    return frame.reset_index(drop=True), warnings


def _kept_out(rows: pd.DataFrame, what: str) -> str:
    areas = rows.drop_duplicates("area_code")
    named = [f"{r.area_code} {r.area_name}" if isinstance(r.area_name, str) else r.area_code
             for r in areas.itertuples()]
    more = f" and {len(named) - 6} more" if len(named) > 6 else ""
    return (f"{len(areas)} {what}, kept out of the authority's views ({len(rows)} values): "
            + ", ".join(named[:6]) + more)


def keep_authority_rows(results, ctx) -> dict:
    """Across the loaded files: without a profile's wards list, the boundary file defines the
    authority's wards, and census ward rows not among them are kept out (named in a warning).
    Returns {path: warnings}; changes the census results' frames in place."""
    if ctx.authority_lookup("wards.csv") is not None:
        return {}
    bounds = [r.frame for _p, r in results if r.table == "boundaries" and len(r.frame)]
    if not bounds:
        return {}
    held = set(pd.concat(bounds)["ward_code"].astype(str))
    out: dict = {}
    for path, result in results:
        if result.table != TABLE:
            continue
        f = result.frame
        drop = (f["area_type"] == "ward") & ~f["area_code"].isin(held)
        if drop.any():
            out[path] = [_kept_out(f[drop], "ward(s) not in the authority's ward boundary file")]
            result.frame = f[~drop].reset_index(drop=True)
    return out
