"""Ingest's checks of the rows a loader built: plausible values (`domain.plausibility`), finite
numbers, dates within their windows, and the contract's keys (`domain.contract`).

`check(result)` runs on every file's conformed rows (`loaders.store.load_file`): a value outside a
``refuse`` rule, a non-finite number, a date outside every window or a repeated key raises
InputError naming the file, sheet, row and column; a value outside a ``drop`` rule is made missing
with a warning naming its rows. Loaders whose later steps use a value (a contract's dates derive
its annual value; a directory's beds make its summary) call `screen` on that column first, with
the header as the file writes it, so the same rule applies before the value is used.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from domain import plausibility
from domain.contract import store_table
from domain.labels import column_label

from .errors import InputError
from .sheets import LoadResult

SHOWN = 5  # rows named in one warning before "and N more"


def screen(values, rows, *, table: str, column: str, file, sheet=None, header: str | None = None,
           warnings: list[str] | None = None):
    """``values`` (numbers, or dates as `datetime.date` or ISO text) with those outside the rule for
    (``table``, ``column``) made missing (a ``drop`` rule, with a warning) or refused (InputError
    naming the first row). ``rows`` are the file's row numbers; ``sheet`` a name or one per row.
    Returns the values in the same container (a Series keeps its index)."""
    rule = plausibility.range_for(table, column)
    window = plausibility.window_for(table, column)
    if rule is None and window is None:
        return values
    s = pd.Series(values, copy=False) if not isinstance(values, pd.Series) else values
    if rule is not None:
        numbers = pd.to_numeric(s, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
        bad = ~np.isnan(numbers) & ((numbers < rule.low) | (numbers > rule.high))
        action, expected = rule.action, rule.expected()

        def shown(i):
            return _number(numbers[i])
    else:
        iso = _iso_text(s)
        bad = ((iso < window.earliest.isoformat()) | (iso > window.latest.isoformat())).fillna(False).to_numpy(bool)
        action, expected = window.action, window.expected()

        def shown(i):
            return _date(iso.iloc[i])
    if not bad.any():
        return values
    rows = np.asarray(rows)
    sheets = sheet if isinstance(sheet, _Sheets) else _Sheets(sheet)
    header = header or column_label(column)
    where = np.flatnonzero(bad)
    if action == plausibility.REFUSE:
        i = int(where[0])
        raise InputError(file, f"found {shown(i)}, outside the plausible range",
                         sheet=sheets[i], row=int(rows[i]), column=header, expected=expected)
    listed = ", ".join(f"row {int(rows[i])} ({shown(i)})" for i in where[:SHOWN])
    more = f" and {len(where) - SHOWN} more" if len(where) > SHOWN else ""
    if warnings is not None:
        warnings.append(f"{len(where)} value(s) in column '{header}' outside the plausible range ({expected}) "
                        f"kept as missing, so no figure counts them: {listed}{more}")
    out = s.copy()
    out.iloc[where] = None if out.dtype == object else np.nan
    return out if isinstance(values, pd.Series) else out.to_numpy()


def check(result: LoadResult, file) -> LoadResult:
    """Every rule on a loaded file's conformed tables, then the keys (see the module's docstring)."""
    tables = {result.table: result.frame, **result.extra_tables}
    for name, frame in tables.items():
        if frame.empty:
            continue
        frame = _values(frame, name, result, file)
        if not (result.key_checked and name == result.table):
            _keys(frame, name, result, file)
        if name == result.table:
            result.frame = frame
        else:
            result.extra_tables[name] = frame
    return result


def _values(frame: pd.DataFrame, name: str, result: LoadResult, file) -> pd.DataFrame:
    table = store_table(name)
    rows = frame["source_row"].to_numpy() if "source_row" in frame.columns else np.arange(len(frame)) + 1
    sheets = _Sheets(frame)
    out = frame
    for col in table.columns:
        values = frame[col.name]
        header = result.headers.get(col.name) or column_label(col.name)

        def refuse(i: int, found: str, expected: str):
            raise InputError(file, found, sheet=sheets[i], row=int(rows[i]), column=header, expected=expected)

        if col.dtype == "float":
            infinite = np.isinf(values.to_numpy(dtype="float64", na_value=np.nan))
            if infinite.any():
                i = int(np.flatnonzero(infinite)[0])
                refuse(i, f"found {values.iloc[i]} where a number belongs", "a finite number")
        if col.dtype == "date" and not plausibility.window_for(name, col.name):
            iso = _iso_text(values)
            bad = ((iso < plausibility.EARLIEST.isoformat())
                   | (iso > plausibility.LATEST.isoformat())).fillna(False).to_numpy(bool)
            if bad.any():
                i = int(np.flatnonzero(bad)[0])
                refuse(i, f"found {_date(iso.iloc[i])}, outside the plausible range",
                       f"a date from {plausibility.EARLIEST:%d/%m/%Y} to {plausibility.LATEST:%d/%m/%Y}")
        if col.unit == "year" and not plausibility.range_for(name, col.name):
            years = values.to_numpy(dtype="float64", na_value=np.nan)
            bad = (years < plausibility.EARLIEST.year) | (years > plausibility.LATEST.year)
            if bad.any():
                i = int(np.flatnonzero(bad)[0])
                refuse(i, f"found the year {int(years[i])}, outside the plausible range",
                       f"a year from {plausibility.EARLIEST.year} to {plausibility.LATEST.year}")
        if col.dtype in ("int", "float", "date"):
            kept = screen(values, rows, table=name, column=col.name, file=file, sheet=sheets, header=header,
                          warnings=result.warnings)
            if kept is not values:
                out = out.copy() if out is frame else out
                out[col.name] = kept.astype(values.dtype) if col.dtype != "date" else kept
    return out


def _keys(frame: pd.DataFrame, name: str, result: LoadResult, file) -> None:
    """The table's declared key identifies one row of the file; a row whose key is partly blank
    (a contract without a reference) is not checked."""
    key = list(store_table(name).key)
    if not key or any(k not in frame.columns for k in key):
        return
    dup = _repeated(frame, key)
    if dup is None:
        return
    first = int(np.flatnonzero(dup)[0])
    same = dup & (frame[key] == frame[key].iloc[first]).all(axis=1).to_numpy()
    rows = frame["source_row"].to_numpy()[same] if "source_row" in frame.columns else np.flatnonzero(same) + 1
    sheets = ([x if isinstance(x, str) and x else None for x in frame["source_sheet"].to_numpy()[same]]
              if "source_sheet" in frame.columns else [None] * len(rows))
    named = [f"{result.headers.get(k) or column_label(k)} '{frame[k].iloc[first]}'" for k in key
             if frame[k].nunique(dropna=True) > 1 or len(key) == 1]
    at = [f"row {int(r)}" + (f" of sheet '{s}'" if s and len(set(sheets)) > 1 else "") for r, s in zip(rows, sheets)]
    listed = ", ".join(at[:SHOWN]) + (f" and {len(at) - SHOWN} more" if len(at) > SHOWN else "")
    others = int(dup.sum()) - len(at)
    problem = (f"{' and '.join(named) or 'one key'} is written {len(at)} times ({listed})"
               + (f"; {others} other row(s) repeat a key too" if others else ""))
    raise InputError(file, problem, sheet=sheets[0] if len(set(sheets)) == 1 and sheets[0] else None,
                     expected=f"one row per {', '.join(result.headers.get(k) or column_label(k) for k in key)} "
                              f"in one file (the key of the '{name}' table, docs/contract.md)")


def _repeated(frame: pd.DataFrame, key: list[str]) -> np.ndarray | None:
    """Rows whose key (every key column filled) another row repeats, or None when none does.
    Each key column is factorised once (Arrow text: in C) and the codes combined into one integer
    per row, so a national file's 600,000 rows are checked in a few tenths of a second."""
    combined, size = np.zeros(len(frame), dtype=np.int64), 1
    keyed = np.ones(len(frame), dtype=bool)
    for k in key:
        codes, uniques = pd.factorize(frame[k], use_na_sentinel=True)
        keyed &= codes >= 0
        n = len(uniques) + 1
        if size * n >= 1 << 62:  # renumber what is combined so far, densely, before it overflows
            combined, found = pd.factorize(combined)
            combined, size = combined.astype(np.int64), len(found)
        combined = combined * n + (codes.astype(np.int64) + 1)
        size *= n
    if not keyed.any():
        return None
    dup = np.zeros(len(frame), dtype=bool)
    dup[keyed] = pd.Series(combined[keyed]).duplicated(keep=False).to_numpy()
    return dup if dup.any() else None


class _Sheets:
    """Each row's sheet name (None for a CSV), looked up only for a row a message names."""

    def __init__(self, source):
        """``source``: a frame with `source_sheet`, one name per row, or one name for every row."""
        if isinstance(source, pd.DataFrame):
            source = source["source_sheet"] if "source_sheet" in source.columns else None
        self.column = source

    def __getitem__(self, i: int) -> str | None:
        if isinstance(self.column, pd.Series):
            x = self.column.iloc[i]
        elif isinstance(self.column, (list, tuple, np.ndarray)):
            x = self.column[i]
        else:
            x = self.column
        return x if isinstance(x, str) and x else None


def _iso(v) -> str | None:
    if v is None or v is pd.NaT or (isinstance(v, float) and np.isnan(v)):
        return None
    if isinstance(v, (dt.date, pd.Timestamp)):
        return v.isoformat()[:10]
    return str(v)[:10]


def _iso_text(values: pd.Series) -> pd.Series:
    """Dates (ISO text as the store holds them, or `datetime.date` before a loader writes them) as
    nullable text, compared in C (a national file's dates are ISO text already)."""
    if values.dtype == object and pd.api.types.infer_dtype(values, skipna=True) not in ("string", "empty"):
        values = values.map(_iso)
    return values.astype("string").str.slice(0, 10)


def _date(iso: str | None) -> str:
    """An ISO date as a person reads it in the file: 31/12/9999."""
    if not isinstance(iso, str) or iso.count("-") != 2:
        return str(iso or "")
    y, m, d = iso.split("-")
    return f"{d}/{m}/{y}"


def _number(x: float) -> str:
    if np.isnan(x):
        return ""
    return f"{x:,.0f}" if float(x).is_integer() and abs(x) < 1e18 else f"{x:,g}"
