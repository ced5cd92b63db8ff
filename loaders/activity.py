"""The council's activity table: council-funded people by client group, support setting, age
band, in or out of area, and year. Its layout is ours (documented in data/sample/README.md),
modelled on the national SALT return (LTS001b): SALT's Primary Support Reason words map to client
groups, and support settings to setting keys, through lookups, so a council can use its own words.
"""
from __future__ import annotations

from domain.contract import store_table
from domain.vocabulary import parse_age_band

from .errors import InputError
from .cells import cell_text, parse_number, year_from_period
from .sheets import LoadResult, Sheet, load_lookup
from .council_tables import locate, read_table

KIND = "council_activity"
TABLE = "activity"
DESCRIPTION = "Council activity: council-funded people by client group and setting (SALT-like)"

SIGNATURE = ["Primary Support Reason", "Support Setting", "Clients"]
FIELDS = {"period": ["Period", "Year"], "support_reason": ["Primary Support Reason"],
          "support_setting": ["Support Setting", "Setting"], "age_band": ["Age Band", "Age"],
          "location": ["Location", "In or out of area"], "clients": ["Clients", "Number of clients", "People"]}
LOCATIONS = {"in area": "in_area", "out of area": "out_of_area", "": None}


def sniff(sheets: list[Sheet]) -> bool:
    return locate(sheets, SIGNATURE) is not None


def load(sheets: list[Sheet], ctx) -> LoadResult:
    sheet, body = read_table(sheets, SIGNATURE, FIELDS, optional={"location", "age_band"})
    reasons = load_lookup("support_reasons.csv", ctx.lookups_dir)
    settings = load_lookup("support_settings.csv", ctx.lookups_dir)
    setting_of = {r.support_setting.strip().lower(): r.setting for r in settings.itertuples()}
    reason_rows = {}
    for r in reasons.itertuples():
        band = r.age_band.strip() if r.age_band.strip() == "*" else parse_age_band(r.age_band)
        reason_rows.setdefault(r.support_reason.strip().lower(), []).append((band, r.client_group))
    records, warnings = [], []
    for rec in body.to_dict("records"):
        row = int(rec["_row"])
        where = dict(file=sheet.file, sheet=sheet.name, row=row)
        period = cell_text(rec["period"])
        year = year_from_period(period)
        if year is None:
            raise InputError(**where, problem=f"found '{period}' where a period belongs",
                             column="Period", expected="a year or financial year such as 2016/17")
        reason = cell_text(rec["support_reason"])
        age = parse_age_band(cell_text(rec["age_band"]) or "All")
        if age is None:
            raise InputError(**where, problem=f"found '{rec['age_band']}' where an age band belongs",
                             column="Age Band", expected="an age band such as 18-64, 65+ or All")
        options = reason_rows.get(reason.lower())
        if not options:
            raise InputError(**where, problem=f"unknown support reason '{reason}'",
                             column="Primary Support Reason",
                             expected="one of: " + "; ".join(sorted(reasons.support_reason.unique())))
        client_group = next((g for a, g in options if a == age), None) or \
            next((g for a, g in options if a == "*"), None) or options[0][1]
        setting_text = cell_text(rec["support_setting"])
        setting = setting_of.get(setting_text.lower())
        if setting is None:
            raise InputError(**where, problem=f"unknown support setting '{setting_text}'",
                             column="Support Setting",
                             expected="one of: " + "; ".join(settings.support_setting))
        location_text = cell_text(rec["location"]).lower()
        if location_text not in LOCATIONS:
            raise InputError(**where, problem=f"found '{rec['location']}' as a location",
                             column="Location", expected="In area, Out of area or blank")
        clients = parse_number(rec["clients"], **where, column="Clients", notes=warnings)
        records.append({"period": period, "year": year, "client_group": client_group,
                        "support_reason": reason, "support_setting": setting_text,
                        "setting": setting, "age_band": age,
                        "location": LOCATIONS[location_text], "clients": clients,
                        "source_file": sheet.file.name, "source_sheet": sheet.name, "source_row": row})
    import pandas as pd
    frame = pd.DataFrame.from_records(records, columns=store_table(TABLE).names)
    return LoadResult(KIND, TABLE, frame, len(body), warnings,
                      {"periods": sorted(frame["period"].unique().tolist())})
