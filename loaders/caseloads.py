"""Caseloads per neighbourhood: district nursing, adult social care and joint cases at a date
(the shape of seed 003's Table 1). Our layout, documented in data/sample/README.md."""
from __future__ import annotations

import re

import pandas as pd

from domain.contract import store_table

from .errors import InputError
from .cells import cell_text, parse_date, parse_number
from .sheets import LoadResult, Sheet
from .council_tables import locate, read_table

KIND = "neighbourhood_caseloads"
TABLE = "caseloads"
DESCRIPTION = "Caseloads per neighbourhood (district nursing, social care, joint)"

SIGNATURE = ["Neighbourhood", "Service", "Cases"]
FIELDS = {"as_at": ["As at", "Date", "Period"], "neighbourhood": ["Neighbourhood"],
          "service": ["Service"], "cases": ["Cases", "Caseload"]}
SERVICES = [(re.compile(r"joint", re.I), "joint"),
            (re.compile(r"district nurs", re.I), "district_nursing"),
            (re.compile(r"social care", re.I), "social_care")]


def sniff(sheets: list[Sheet]) -> bool:
    return locate(sheets, SIGNATURE) is not None


def load(sheets: list[Sheet], ctx) -> LoadResult:
    sheet, body = read_table(sheets, SIGNATURE, FIELDS)
    hoods = ctx.authority_lookup("neighbourhoods.csv")
    warnings: list[str] = []
    by_text = {}
    if hoods is None:  # no profile to match them to: kept under the names the file gives them
        warnings.append("no neighbourhood lookup is loaded (neighbourhoods.csv in the authority's profile "
                        f"folder, data/authorities/{ctx.area_code or '<code>'}/): the caseloads are kept under the "
                        "neighbourhood names the file gives, matched to no neighbourhood")
    else:
        for r in hoods.itertuples():
            for key in (r.neighbourhood_code, r.neighbourhood_name, f"neighbourhood {r.number}", str(r.number)):
                by_text[key.strip().lower()] = (r.neighbourhood_code, r.neighbourhood_name)
    records = []
    for rec in body.to_dict("records"):
        row = int(rec["_row"])
        where = dict(file=sheet.file, sheet=sheet.name, row=row)
        given = cell_text(rec["neighbourhood"])
        hood = by_text.get(given.lower()) if hoods is not None else (given or None, given or None)
        if hood is None:
            raise InputError(**where, problem=f"unknown neighbourhood '{rec['neighbourhood']}'",
                             column="Neighbourhood",
                             expected="a code, name or 'Neighbourhood N' from the profile's neighbourhoods.csv")
        service = next((key for rx, key in SERVICES if rx.search(cell_text(rec["service"]))), None)
        if service is None:
            raise InputError(**where, problem=f"unknown service '{rec['service']}'", column="Service",
                             expected="District nursing, Adult social care or Joint ...")
        as_at = parse_date(rec["as_at"], **where, column="As at")
        records.append({"period": as_at.isoformat() if as_at else None, "neighbourhood_code": hood[0],
                        "neighbourhood_name": hood[1], "service": service,
                        "cases": parse_number(rec["cases"], **where, column="Cases", notes=warnings),
                        "source_file": sheet.file.name, "source_sheet": sheet.name, "source_row": row})
    frame = pd.DataFrame.from_records(records, columns=store_table(TABLE).names)
    return LoadResult(KIND, TABLE, frame, len(body), warnings, {})
