"""Headline facts for the Overview page, each with the file and row it came from."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .store import Store


@dataclass(frozen=True)
class Fact:
    label: str
    value: float | None
    unit: str
    as_at: str
    source: str


def _prevalence_total(store: Store, measure: str, year: int | None = None) -> Fact | None:
    prev = store.table("prevalence")
    if prev.empty:
        return None
    la_code = store.authority.get("area_code")
    rows = prev[(prev["measure"] == measure) & prev["is_total"] & (prev["sex"] == "persons")
                & (prev["area_code"] == la_code)]
    if rows.empty:
        return None
    year = year or int(rows["year"].min())
    row = rows[rows["year"] == year].iloc[0]
    return Fact(label="", value=float(row["value"]), unit="people", as_at=str(year),
                source=f"{row['source_file']}, row {int(row['source_row'])}")


def key_facts(store: Store) -> list[Fact]:
    facts = []
    for measure, label in [("population", "Residents aged 65 and over"),
                           ("dementia", "People aged 65+ estimated to have dementia"),
                           ("learning_disability", "Adults aged 18-64 estimated to have a learning disability")]:
        f = _prevalence_total_for_age(store, measure, label)
        if f:
            facts.append(f)
    homes = store.table("care_providers")
    if not homes.empty:
        la = store.authority.get("area_name")
        sel = homes[homes["care_home"].astype(bool) & ~homes["dormant"].fillna(False).astype(bool)]
        if la:
            sel = sel[sel["local_authority"] == la]
        facts.append(Fact("Care homes registered with CQC", float(len(sel)), "homes",
                          str(sel["as_at"].dropna().max() if "as_at" in sel and sel["as_at"].notna().any() else ""),
                          f"{sel['source_file'].iloc[0] if len(sel) else ''}"))
    return facts


def _prevalence_total_for_age(store, measure, label):
    prev = store.table("prevalence")
    if prev.empty:
        return None
    la_code = store.authority.get("area_code")
    rows = prev[(prev["measure"] == measure) & prev["is_total"] & (prev["sex"] == "persons")
                & (prev["area_code"] == la_code)]
    if measure == "population":
        rows = rows[rows["age_band"] == "65+"]
    if rows.empty:
        return None
    year = int(rows["year"].min())
    row = rows[rows["year"] == year].iloc[0]
    return Fact(label, float(row["value"]), "people", str(year),
                f"{row['source_file']}, row {int(row['source_row'])}")


def sources(store: Store) -> pd.DataFrame:
    files = store.manifest.get("files", []) if store.exists else []
    return pd.DataFrame([{"file": f["path"], "kind": f["kind"], "rows read": f["rows_read"],
                          "rows kept": f["rows_kept"], "ingested": f["ingested_at"][:10],
                          "sha256": f["sha256"][:12]} for f in files])
