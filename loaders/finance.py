"""The council's finance table: budget and savings lines by organisation, item and period.
Our layout (documented in data/sample/README.md); values may be written `£377,826,000`."""
from __future__ import annotations

import pandas as pd

from domain.contract import store_table

from .errors import InputError
from .cells import cell_text, parse_number, year_from_period
from .sheets import LoadResult, Sheet
from .council_tables import locate, read_table

KIND = "council_finance"
TABLE = "finance"
DESCRIPTION = "Council and NHS budgets and savings by organisation, item and period"

SIGNATURE = ["Organisation", "Item", "Period"]
FIELDS = {"organisation": ["Organisation"], "item": ["Item"], "period": ["Period"],
          "value_gbp": ["Value (£)", "Value (GBP)", "Value", "Amount (£)", "Amount"],
          "note": ["Note", "Notes", "Source"]}


def sniff(sheets: list[Sheet]) -> bool:
    return locate(sheets, SIGNATURE) is not None


def load(sheets: list[Sheet], ctx) -> LoadResult:
    sheet, body = read_table(sheets, SIGNATURE, FIELDS, optional={"note"})
    warnings: list[str] = []
    records = []
    for rec in body.to_dict("records"):
        row = int(rec["_row"])
        period = cell_text(rec["period"])
        year = year_from_period(period)
        if year is None:
            raise InputError(sheet.file, f"found '{period}' where a period belongs",
                             sheet=sheet.name, row=row, column="Period",
                             expected="a year or financial year such as 2014/15")
        records.append({"organisation": cell_text(rec["organisation"]), "item": cell_text(rec["item"]),
                        "period": period, "year": year,
                        "value_gbp": parse_number(rec["value_gbp"], file=sheet.file, sheet=sheet.name,
                                                  row=row, column="Value (£)", allow_negative=True,
                                                  notes=warnings),
                        "note": cell_text(rec["note"]) or None, "source_file": sheet.file.name,
                        "source_sheet": sheet.name, "source_row": row})
    frame = pd.DataFrame.from_records(records, columns=store_table(TABLE).names)
    return LoadResult(KIND, TABLE, frame, len(body), warnings, {})
