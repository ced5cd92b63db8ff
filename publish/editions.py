"""Editions: what each publish records about itself (figures.json in the site) and what changed
since the previous one (`mps publish --previous DIR`).

figures.json holds the edition (publish date, store version, authority), every key fact's value,
the care homes the CQC directory lists for the authority (id, name, beds) and the contracts on
its registers (reference, title, supplier, start). The next publish reads the previous folder's
file and sets its own beside it: facts that moved, homes opened and closed, contracts let."""
from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd

from metrics.supply import supply
from sentences.overview import key_facts
from store import Store
from metrics.tables import mps_tables

FIGURES_FILE = "figures.json"
FORMAT = 1


class PreviousEditionError(ValueError):
    """--previous names a folder without a readable figures.json: one line saying which and why."""


def _number(v):
    if v is None:
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) or math.isinf(f) else f


def record(store: Store, published, figures: dict[str, str]) -> dict:
    """The edition's machine-readable record (figures maps each CSV to its caption)."""
    facts = {f.label: {"value": _number(f.value), "unit": f.unit, "display": f.display, "as_at": f.as_at,
                       "source": f.source} for f in key_facts(store)}
    homes = []
    if store.has("care_providers"):
        h = supply.care_homes(store, older_people_only=False)
        for r in h.itertuples():
            homes.append({"location_id": str(r.location_id), "name": str(r.location_name),
                          "beds": _number(r.beds)})
    contracts = []
    c = mps_tables(store)["contracts"]
    for r in c.itertuples():
        contracts.append({"reference": None if pd.isna(r.reference) else str(r.reference), "title": str(r.title),
                          "supplier": None if pd.isna(r.supplier) else str(r.supplier),
                          "start_date": None if pd.isna(r.start_date) else str(r.start_date)[:10],
                          "annual_value": _number(r.annual_value)})
    return {"format": FORMAT, "authority": {"code": store.authority.area_code, "name": store.authority.area_name},
            "published": str(published), "store_version": store.version, "facts": facts,
            "care_homes": homes, "contracts": contracts, "figures": figures}


def read_previous(folder: Path, code: str | None) -> dict:
    path = Path(folder) / FIGURES_FILE
    if not path.is_file():
        raise PreviousEditionError(f"{path}: not found; expected the {FIGURES_FILE} an earlier `mps publish` wrote "
                                   "into its output folder")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PreviousEditionError(f"{path}: not readable JSON ({exc}); expected the file `mps publish` wrote") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise PreviousEditionError(f"{path}: format {data.get('format') if isinstance(data, dict) else '?'}; "
                                   f"expected format {FORMAT}, as `mps publish` writes it")
    theirs = (data.get("authority") or {}).get("code")
    if code and theirs and theirs != code:
        raise PreviousEditionError(f"{path}: the edition of {theirs}; expected one of {code}")
    return data


def _key(c: dict) -> str:
    return c.get("reference") or f"{c.get('title')}|{c.get('supplier')}|{c.get('start_date')}"


def changes(previous: dict, current: dict) -> dict[str, pd.DataFrame]:
    """What changed between two editions' records: facts that moved, homes opened and closed,
    contracts let (on the registers now, not before). Each frame may be empty."""
    moved = []
    for label, now in current["facts"].items():
        before = previous.get("facts", {}).get(label)
        if not before:
            continue
        a, b = _number(before.get("value")), _number(now.get("value"))
        if a is not None and b is not None and a != b:
            moved.append({"fact": label, "previous": before.get("display"), "now": now.get("display"),
                          "change": b - a})
    before_homes = {h["location_id"]: h for h in previous.get("care_homes", [])}
    now_homes = {h["location_id"]: h for h in current["care_homes"]}
    homes = ([{"change": "opened", "location_id": k, "name": h["name"], "beds": h["beds"]}
              for k, h in now_homes.items() if k not in before_homes]
             + [{"change": "closed", "location_id": k, "name": h["name"], "beds": h["beds"]}
                for k, h in before_homes.items() if k not in now_homes])
    before_contracts = {_key(c) for c in previous.get("contracts", [])}
    let = [{"title": c["title"], "supplier": c["supplier"], "start_date": c["start_date"],
            "annual_value": c["annual_value"]} for c in current["contracts"] if _key(c) not in before_contracts]
    return {"facts": pd.DataFrame(moved, columns=["fact", "previous", "now", "change"]),
            "homes": pd.DataFrame(homes, columns=["change", "location_id", "name", "beds"]),
            "contracts": pd.DataFrame(let, columns=["title", "supplier", "start_date", "annual_value"])}
