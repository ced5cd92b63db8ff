"""What a plausible value is, declared once beside the contract: the range of each measure a reader
sees, the window each date must fall in, and what ingest does with a value outside them.

Ingest checks every rule (`loaders/plausible.py`) on the rows a loader built, so a value outside
its range never reaches a figure, a page, an export or the brief. Each rule has one of two actions:

- ``refuse``: the file is refused with one line naming the file, sheet, row, column and the range
  expected, and the previous store stays as it was. For files a machine writes (NHS Digital, ONS,
  POPPI/PANSI): one impossible count there means the file is damaged or is not what it says, and
  every other figure read from it is as suspect.
- ``drop``: the value is kept out (stored as missing, never zero; the row itself stays) with a
  warning in the ingest summary and on the Sources page naming the rows. For values that one
  person types or that one row of a national directory carries (a contract's value, a home's
  beds): the rest of the file is sound, and a commissioner expects the refresh to go through with
  the odd value named, not the whole directory held back by one row.

Numbers must also be finite everywhere (`Infinity`, `1e309` and `NaN` written in a number cell are
refused by name, or kept as missing with a note for `NaN`), and thousands separators are read only
where they separate thousands (`1,234` and `1,234,567`, not `1,2,3`). Dates are read with their
years as written (`01/01/0001` is the year 1, then outside its window, never 2001); a two-digit
year is read as 2000-2069 or 1970-1999 and then checked against the same window.
`docs/limits.md` lists every rule and where its range comes from (`python -m loaders.limits`).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

REFUSE = "refuse"
DROP = "drop"


@dataclass(frozen=True)
class Range:
    """A numeric column's plausible values, inclusive."""
    table: str
    column: str
    low: float
    high: float
    unit: str
    action: str
    source: str   # where the range comes from
    why: str = ""  # why this action (the module's docstring gives the general reason)

    def expected(self) -> str:
        if self.unit == "£":
            return " to ".join(f"-£{_number(-x)}" if x < 0 else f"£{_number(x)}" for x in (self.low, self.high))
        return f"{_number(self.low)} to {_number(self.high)} {self.unit}".strip()


@dataclass(frozen=True)
class Window:
    """A date column's plausible dates, inclusive."""
    table: str
    column: str
    earliest: dt.date
    latest: dt.date
    action: str
    source: str
    why: str = ""

    def expected(self) -> str:
        return f"a date from {self.earliest:%d/%m/%Y} to {self.latest:%d/%m/%Y}"


def _number(x: float) -> str:
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,}"


# Every date outside its window is outside this one too: no date column is read beyond it.
EARLIEST, LATEST = dt.date(1900, 1, 1), dt.date(2100, 12, 31)

MACHINE = "a file a machine writes: one impossible count makes every other figure in it suspect"
OWN = "the council's own table: its counts add up to totals, so the file is fixed and ingested again"

RANGES: list[Range] = [
    Range("care_providers", "beds", 0, 1_000, "beds a location", DROP,
          "the largest care homes in CQC's directory are registered for about 300 beds (the sample's "
          "largest, 88); 1,000 leaves room for any real home",
          "one home's beds kept out (the home stays listed, its beds missing): a national directory of "
          "50,000 rows is not held back by one row"),
    Range("care_providers", "latitude", 49.8, 55.9, "degrees north", DROP,
          "CQC registers services in England only, which lies between about 49.9 and 55.8 degrees north",
          "the location is then placed by its postcode alone, where the profile's lookups cover it"),
    Range("care_providers", "longitude", -6.5, 1.8, "degrees east", DROP,
          "England lies between about 6.4 degrees west and 1.8 degrees east", "as the latitude"),
    Range("registrations", "patients", 0, 300_000, "patients a row", REFUSE,
          "the largest practice list in NHS Digital's January 2021 file is 89,786 patients; a row is "
          "one practice (or one of its sex and age bands)",
          "a practice's rows add up to its list: dropping one would change its totals silently"),
    Range("contracts", "total_value", 0, 10_000_000_000, "£", DROP,
          "a London borough's whole yearly budget is about £1.3bn; the largest local-government "
          "outsourcing and PFI contracts are a few £bn",
          "registers are kept by hand: the contract stays listed, its value missing (and not derived)"),
    Range("contracts", "annual_value", 0, 10_000_000_000, "£", DROP,
          "as the total value", "as the total value"),
    Range("population", "value", 0, 100_000_000, "people", REFUSE,
          "England's population is about 57 million (ONS mid-2022); no area's projection exceeds it", MACHINE),
    Range("prevalence", "value", 0, 100_000_000, "people", REFUSE,
          "POPPI/PANSI estimate people in England or one of its areas: at most its population", MACHINE),
    Range("census", "value", 0, 100_000_000, "people", REFUSE,
          "census counts of usual residents in England or one of its areas", MACHINE),
    Range("activity", "clients", 0, 10_000_000, "people", REFUSE,
          "council-funded people in one authority: England's largest county has about 1.2 million adults", OWN),
    Range("caseloads", "cases", 0, 10_000_000, "people", REFUSE,
          "cases in one neighbourhood: at most its population", OWN),
    Range("finance", "value_gbp", -50_000_000_000, 50_000_000_000, "£", REFUSE,
          "a council's or an NHS body's whole yearly budget is at most a few £bn (the sample's largest "
          "line, £392m); savings are negative",
          "budget lines add up to totals: dropping one would change them silently"),
    Range("unit_costs", "value_gbp", 0, 100_000, "£", REFUSE,
          "ASC-FR unit costs are pounds a week (residential and nursing care, about £500-£2,000) or an "
          "hour (home care, about £20)", "a national return: one impossible cost makes the file suspect"),
]

WINDOWS: list[Window] = [
    Window("contracts", "start_date", dt.date(1990, 1, 1), dt.date(2100, 12, 31), DROP,
           "Transparency Code registers list contracts let since the 1990s; 01/01/0001 and 31/12/9999 "
           "are database placeholders for 'unknown' and 'open-ended'",
           "the date is kept as missing, so no annual or total value is derived from it (an end date "
           "of 31/12/9999 would spread a £300k contract over 8,000 years: £37.58 a year)"),
    Window("contracts", "end_date", dt.date(1990, 1, 1), dt.date(2100, 12, 31), DROP,
           "as the start date", "as the start date"),
    Window("registrations", "extract_date", dt.date(2000, 1, 1), dt.date(2100, 12, 31), REFUSE,
           "NHS Digital's practice list series begins in the 2000s",
           "every row of an extract carries its date: a wrong one misdates the whole file"),
    Window("care_providers", "publication_date", dt.date(2000, 1, 1), dt.date(2100, 12, 31), DROP,
           "CQC began in 2009 and registers under the Health and Social Care Act 2008 from 2010",
           "the date is kept as missing; the location stays"),
    Window("care_providers", "hsca_start_date", dt.date(2000, 1, 1), dt.date(2100, 12, 31), DROP,
           "as the publication date", "the date is kept as missing; the location stays"),
]


def range_for(table: str, column: str) -> Range | None:
    return next((r for r in RANGES if r.table == table and r.column == column), None)


def window_for(table: str, column: str) -> Window | None:
    return next((w for w in WINDOWS if w.table == table and w.column == column), None)


def markdown() -> list[str]:
    """The rules as Markdown lines, for docs/limits.md (loaders.limits.markdown)."""
    action = {REFUSE: "refuse the file", DROP: "keep the value out, warn"}
    paragraphs = [" ".join(p.split()) for p in (__doc__ or "").split("\n\n")]
    intro, checks, actions, numbers = paragraphs[:4]
    lines = ["## Plausible values", "", "<!-- from `domain/plausibility.py` -->", "", intro, "", checks, ""]
    lines += actions.replace(" - ", "\n- ").split("\n") + ["", numbers, ""]
    lines += ["| table | column | plausible | outside it | where the range comes from | why this action |",
              "|---|---|---|---|---|---|"]
    lines += [f"| `{r.table}` | `{r.column}` | {r.expected()} | {action[r.action]} | {r.source} | {r.why} |"
              for r in RANGES]
    lines += [f"| `{w.table}` | `{w.column}` | {w.expected().removeprefix('a date ')} | {action[w.action]} | "
              f"{w.source} | {w.why} |" for w in WINDOWS]
    lines += ["", f"Every other date column is read from {EARLIEST:%d/%m/%Y} to {LATEST:%d/%m/%Y} and every year "
              f"(a projection's, an indicator's period's) from {EARLIEST.year} to {LATEST.year} (the file is "
              "refused outside them), and every number column holds finite numbers only.", "",
              "**Keys are keys.** Each table's key is declared in `domain/contract.py` (`docs/contract.md`) and "
              "checked on every file ingest reads. A key written twice in one file (a CQC location ID in one "
              "edition, a practice's sex and age band in one extract, a contract reference in one register) "
              "refuses the file with the rows named: two rows for one home would count its beds twice, and "
              "which of them is right is for the person who holds the file to say. A row whose key is partly "
              "blank (a contract without a reference) is not checked."]
    return lines
