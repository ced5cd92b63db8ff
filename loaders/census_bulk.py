"""Census 2021 bulk tables from Nomis (`census2021-tsNNN.zip`, one CSV per geography), into the
census table the ward views, area profiles and the Demand page read.

Nomis ships each topic summary as a zip (`census2021-ts037.zip`) holding `census2021-ts037-ctry.csv`,
`-rgn.csv`, `-utla.csv`, `-ltla.csv`, `-msoa.csv`, `-lsoa.csv` and `-oa.csv`, each in the layout
loaders/nomis_bulk.py reads (`date`, `geography`, `geography code`, then `<Topic>: <Category>`).
Either the zip or any of its CSVs, extracted, is read. Read here: TS007A (age, 5-year bands), TS037
(general health), TS038 (disability), TS039 (unpaid care), and any other table whose categories
data/lookups/census_measures.csv knows (a new table needs rows there, not code).

- Authority level (ctry, rgn, utla, ltla): England, the regions, the authority and its profile's
  comparators are kept (the comparators' and England's rates); other authorities are kept out and
  counted in a warning. An authority in both the utla and ltla files (a London borough, a
  unitary) is kept once.
- LSOA level: the rows are summed to wards through the ONS "LSOA (2021) to Electoral Ward best
  fit lookup" the user downloads beside them (loaders/lsoa_wards.py), after every file has
  loaded (`sum_lsoas_to_wards`); without the lookup they are left out, and said.
- MSOA and output-area files in the zip are not read (named in a warning): wards come from LSOAs.

A table's total (`Total: All usual residents`, `Total`) becomes its topic's total
(`total_general_health`, `total_long_term_illness`, `total_age`), so two tables that both count all
usual residents never add up to twice the residents. Categories the lookup does not know
(e.g. a new table's) are named in a warning, never guessed.
"""
from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pandas as pd

from domain.contract import conform, store_table

from . import limits
from .errors import InputError, display_name
from .sheets import LoadResult, Sheet, load_lookup, normalise_header, read_sheets
from .census_wards import LOOKUP, area_type
from .nomis_bulk import is_nomis_bulk, nomis_bulk_frame, split_header

KIND = "census_bulk"
TABLE = "census"
DESCRIPTION = "Census 2021 bulk table from Nomis (census2021-tsNNN zip, or its CSVs by geography)"
MIN_KNOWN = 2  # categories the lookup must know before a Nomis bulk CSV counts as a census table
MEMBER = re.compile(r"census\d{4}-(ts\d{3}[a-z]?)-(ctry|rgn|utla|ltla|lad|lsoa|msoa|oa)\.csv$", re.I)
READ_LEVELS = ("ctry", "rgn", "utla", "ltla", "lad", "lsoa")
LSOA = re.compile(r"^[EW]01\d{6}$")


def _known(lookups_dir) -> dict[str, dict]:
    lookup = load_lookup(LOOKUP, lookups_dir)
    return {normalise_header(r["header"]): r for r in lookup.to_dict("records")}


def sniff(sheets: list[Sheet]) -> bool:
    from . import DEFAULT_LOOKUPS
    head = sheets[0].head_text(1) if sheets else []
    if not head or not is_nomis_bulk(head[0]):
        return False
    known = _known(DEFAULT_LOOKUPS)
    return sum(normalise_header(p[1]) in known for h in head[0][3:] if (p := split_header(h))) >= MIN_KNOWN


def load(sheets: list[Sheet], ctx) -> LoadResult:
    return _result([(sheets[0], sheets[0].file.name)], [], ctx)


def load_zip(path: Path, ctx, raw: bytes) -> LoadResult:
    """A Nomis bulk zip: its authority-level and LSOA CSVs, each read as if extracted."""
    try:
        z = zipfile.ZipFile(io.BytesIO(raw))
        parts = z.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, ValueError, EOFError, OSError) as exc:
        raise InputError(path, f"the zip could not be opened ({exc})", expected="a Nomis census2021-tsNNN.zip") from None
    if len(parts) > limits.ZIP_ENTRIES.value:
        raise InputError(path, f"the zip holds {len(parts):,} files, over the limit of {limits.ZIP_ENTRIES.value:,}",
                         expected=f"a Nomis census zip, or {limits.ZIP_ENTRIES.env} set higher")
    members = [(p, MEMBER.search(p.filename.rsplit("/", 1)[-1])) for p in parts if not p.is_dir()]
    read = [(p, m) for p, m in members if m and m.group(2).lower() in READ_LEVELS]
    if not read:
        names = ", ".join(display_name(p.filename) for p, _m in members[:6]) or "nothing"
        raise InputError(path, f"the zip holds no Nomis census CSV by country, region, authority or LSOA (it holds "
                         f"{names})", expected="census2021-tsNNN-ltla.csv, -utla.csv, -rgn.csv, -ctry.csv or -lsoa.csv")
    notes = []
    skipped = [display_name(p.filename) for p, m in members if (p, m) not in read]
    if skipped:
        notes.append("file(s) in the zip not read (wards are made from LSOAs; other geographies are not used): "
                     + ", ".join(skipped))
    _check_members(path, [p for p, _m in read])
    sheets = []
    for p, _m in read:
        name = p.filename.rsplit("/", 1)[-1]
        try:
            data = z.read(p)
        except (zipfile.BadZipFile, NotImplementedError, ValueError, EOFError, OSError, RuntimeError) as exc:
            raise InputError(path, f"'{display_name(p.filename)}' in the zip could not be read ({exc})",
                             expected="a complete Nomis census2021-tsNNN.zip") from None
        member = read_sheets(Path(path.parent / name), data)[0]
        if not is_nomis_bulk(member.head_text(1)[0] if member.head_text(1) else []):
            raise InputError(name, "this file in the zip is not in the Nomis bulk layout", row=1,
                             expected="'date', 'geography', 'geography code', then '<Topic>: <Category>' columns")
        sheets.append((member, f"{path.name}/{name}"))
    return _result(sheets, notes, ctx)


def _check_members(path: Path, parts) -> None:
    """The CSVs to read, judged from the zip's directory before any is inflated: each within the
    file size limit, all together within the inflated limit, none inflating past the ratio limit."""
    for p in parts:
        name = display_name(p.filename)
        if p.file_size > limits.FILE_MB.value * limits.MB:
            raise InputError(path, f"'{name}' would unzip to {p.file_size / limits.MB:,.0f} MB, over the limit of "
                             f"{limits.FILE_MB.value:,} MB", expected=f"{limits.FILE_MB.env} set higher")
        if p.file_size > limits.MB and p.file_size / max(p.compress_size, 1) > limits.ZIP_RATIO.value:
            raise InputError(path, f"'{name}' would inflate {p.file_size / max(p.compress_size, 1):,.0f} times, over "
                             f"the limit of {limits.ZIP_RATIO.value:,}", expected=f"{limits.ZIP_RATIO.env} set higher")
    total = sum(p.file_size for p in parts)
    if total > limits.ZIP_INFLATED_MB.value * limits.MB:
        raise InputError(path, f"the zip's CSVs would unzip to {total / limits.MB:,.0f} MB, over the limit of "
                         f"{limits.ZIP_INFLATED_MB.value:,} MB", expected=f"{limits.ZIP_INFLATED_MB.env} set higher")


def _result(sheets: list[tuple[Sheet, str]], notes: list[str], ctx) -> LoadResult:
    known = _known(ctx.lookups_dir)
    parts, unknown, rows_read = [], {}, 0
    for sheet, source in sheets:
        long = nomis_bulk_frame(sheet)
        rows_read += long["source_row"].nunique()
        parts.append(_measures(long, known, sheet, source, unknown))
    frame = pd.concat(parts, ignore_index=True)
    warnings = list(notes)
    if unknown:
        warnings.append(f"{len(unknown)} column(s) not used (categories data/lookups/census_measures.csv does not "
                        "know): " + "; ".join(f"'{h}'" for h in list(unknown)[:8])
                        + (f" and {len(unknown) - 8} more" if len(unknown) > 8 else ""))
    frame = _once(frame, warnings)
    frame, kept_out = _areas(frame, ctx)
    warnings += kept_out
    years = sorted(frame["census_year"].unique().tolist())
    lsoas = int((frame["area_type"] == "lsoa").any() and frame.loc[frame["area_type"] == "lsoa", "area_code"].nunique())
    areas = frame.drop_duplicates("area_code")["area_type"].value_counts().to_dict()
    return LoadResult(KIND, TABLE, frame.reindex(columns=store_table(TABLE).names), rows_read, warnings,
                      {"areas": areas, "measures": int(frame["measure"].nunique()), "census_years": years,
                       "lsoas": lsoas})


def _measures(long: pd.DataFrame, known: dict, sheet: Sheet, source: str, unknown: dict) -> pd.DataFrame:
    """The long rows whose category the lookup knows, as census rows; the total as its topic's."""
    header = {c: f"{t}: {c}" for t, c in zip(long["topic"], long["category"])}
    cats = long["category"].drop_duplicates().tolist()
    found = {c: known.get(normalise_header(c)) for c in cats}
    for c, m in found.items():
        if m is None:
            unknown.setdefault(header[c], True)
    topics = {m["topic"] for m in found.values() if m is not None and m["topic"] not in ("", "population")}
    measure, topic, wording = {}, {}, {}
    for c, m in found.items():
        if m is None:
            continue
        key, top = m["measure"], m["topic"]
        if key in ("residents", "total") and len(topics) == 1:  # the table's own total
            top = next(iter(topics))
            key = f"total_{top}"
        measure[c], topic[c] = key, top
        wording[c] = int(m["census_year"]) if str(m.get("census_year") or "").strip() else None
    rows = long[long["category"].isin(measure)]
    for c, year in wording.items():
        clash = rows[(rows["category"] == c) & (rows["date"] != year)] if year else rows.iloc[:0]
        if len(clash):
            r = clash.iloc[0]
            raise InputError(sheet.file, f"'{header[c]}' is Census {year} wording, but the file says {int(r['date'])}",
                             row=int(r["source_row"]), column="date", expected="a file whose year and categories "
                             "are the same census")
    codes = rows["geography_code"]
    kinds = codes.map(lambda code: "lsoa" if LSOA.match(code) else area_type(code))
    return pd.DataFrame({
        "area_code": codes, "area_name": rows["geography"], "area_type": kinds,
        "measure": rows["category"].map(measure), "topic": rows["category"].map(topic),
        "census_year": rows["date"], "value": rows["value"].astype(float),
        "source_file": source, "source_sheet": None, "source_row": rows["source_row"],
    })


def _once(frame: pd.DataFrame, warnings: list[str]) -> pd.DataFrame:
    """An area the zip gives twice (utla and ltla) is kept once where the counts agree; where they
    differ, the first file's are kept and the difference named."""
    key = ["area_code", "measure", "census_year"]
    dup = frame.duplicated(key, keep=False)
    if not dup.any():
        return frame
    spread = frame[dup].groupby(key)["value"].agg(["min", "max"])
    differ = spread[spread["min"] != spread["max"]]
    if len(differ):
        (code, measure, _year) = differ.index[0]
        warnings.append(f"{len(differ)} count(s) differ between the zip's files for the same area (e.g. {code} "
                        f"{measure}: {differ['min'].iloc[0]:,.0f} and {differ['max'].iloc[0]:,.0f}); the first "
                        "file's kept")
    return frame.drop_duplicates(key, keep="first").reset_index(drop=True)


def _areas(frame: pd.DataFrame, ctx) -> tuple[pd.DataFrame, list[str]]:
    """England, regions, the authority, its comparators and LSOAs stay; other authorities' rows
    are kept out and counted (a national table holds every authority)."""
    code = getattr(ctx, "area_code", None)
    if not code:
        return frame, []
    keep = {code, *(ctx.config.get("comparators") or [])}
    out = frame["area_type"].isin(["la", "other"]) & ~frame["area_code"].isin(keep)
    if not out.any():
        return frame, []
    n = frame.loc[out, "area_code"].nunique()
    return (frame[~out].reset_index(drop=True),
            [f"{n} other area(s) than the authority, its comparators, the regions and England kept out of its views "
             f"({int(out.sum())} values)"])


def sum_lsoas_to_wards(results, ctx) -> dict:
    """After every file has loaded: each census bulk file's LSOA rows summed to the wards of the
    LSOA-to-ward lookup(s) loaded beside it (loaders/lsoa_wards.py), only the authority's wards
    (its profile's wards.csv where it lists them, else the lookup's wards in the authority);
    without a lookup the LSOA rows are left out. Returns {path: warnings}; changes the census
    bulk results' frames in place."""
    lookups = [r.frame for _p, r in results if r.kind == "lsoa_wards" and len(r.frame)]
    lookup = pd.concat(lookups, ignore_index=True).drop_duplicates("lsoa_code") if lookups else None
    wards = ctx.authority_lookup("wards.csv")
    listed = (set(wards["ward_code"].astype(str).str.strip().str.upper())
              if wards is not None and "ward_code" in wards.columns and len(wards) else None)
    out: dict = {}
    for path, result in results:
        if result.kind != KIND:
            continue
        f = result.frame
        is_lsoa = f["area_type"] == "lsoa"
        if not is_lsoa.any():
            continue
        lsoa, rest = f[is_lsoa], f[~is_lsoa]
        if lookup is None:
            n_lsoa = lsoa["area_code"].nunique()
            out[path] = [f"{n_lsoa:,} LSOA(s) not summed to wards: no LSOA (2021) to ward lookup was loaded beside "
                         "this file (download ONS's 'LSOA (2021) to Electoral Ward best fit lookup' CSV into the "
                         "same folder)"]
            result.frame = rest.reset_index(drop=True)
            continue
        sums, notes = _ward_sums(lsoa, lookup, listed, ctx)
        result.frame = conform(pd.concat([rest, sums.reindex(columns=rest.columns)], ignore_index=True), TABLE)
        out[path] = notes
    return out


def _ward_sums(lsoa: pd.DataFrame, lookup: pd.DataFrame, listed: set | None, ctx) -> tuple[pd.DataFrame, list[str]]:
    """The authority's LSOA rows summed to their wards (source_row: the first LSOA's row), and a
    note of how many LSOAs went to how many wards and how many were left out."""
    n_lsoa = lsoa["area_code"].nunique()
    m = lsoa.merge(lookup[["lsoa_code", "ward_code", "ward_name", "lad_code"]], left_on="area_code",
                   right_on="lsoa_code", how="left")
    if listed is not None:
        mine = m["ward_code"].isin(listed)
    elif ctx.area_code:
        mine = m["lad_code"] == ctx.area_code
    else:
        mine = m["ward_code"].notna()
    unmatched = m.loc[m["ward_code"].isna(), "area_code"].nunique()
    m = m[mine]
    if m.empty:
        notes = [f"none of the file's {n_lsoa:,} LSOA(s) is in the authority's wards by the LSOA to ward lookup: "
                 "no ward rows made"]
    else:
        kept = m["area_code"].nunique()
        notes = [f"{kept:,} LSOA(s) summed to {m['ward_code'].nunique()} ward(s) through the LSOA to ward best-fit "
                 f"lookup; {n_lsoa - kept:,} other LSOA(s) (other authorities"
                 + (f", {unmatched:,} not in the lookup" if unmatched else "") + ") left out"]
    sums = (m.groupby(["ward_code", "measure", "topic", "census_year"], sort=False)
            .agg(value=("value", "sum"), area_name=("ward_name", "first"), source_row=("source_row", "min"),
                 source_file=("source_file", "first"))
            .reset_index().rename(columns={"ward_code": "area_code"}))
    return sums.assign(area_type="ward", source_sheet=None), notes
