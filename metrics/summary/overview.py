"""Headline facts for the Overview page, each with its as-at date and the file and row it came from."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from metrics.store import Store
from metrics.supply import gaps, supply


@dataclass(frozen=True)
class Fact:
    label: str
    value: float | None
    unit: str
    as_at: str
    source: str

    @property
    def display(self) -> str:
        if self.value is None:
            return "n/a"
        if self.unit == "%":
            return f"{self.value:.0f}%"
        return f"{self.value:,.0f}"


def _prevalence_fact(store: Store, measure: str, age_band: str, label: str) -> Fact | None:
    prev = store.table("prevalence")
    if prev.empty:
        return None
    rows = prev[(prev["measure"] == measure) & prev["is_total"] & (prev["sex"] == "persons")
                & (prev["area_code"] == store.authority.area_code) & (prev["age_band"] == age_band)]
    if rows.empty:
        return None
    row = rows.sort_values("year").iloc[0]
    return Fact(label, float(row["value"]), "people", f"{int(row['year'])} estimate",
                f"{row['source_file']}, row {int(row['source_row'])}")


def _population_fact(store: Store) -> Fact | None:
    pop = store.table("population")
    if pop.empty:
        return None
    year = gaps.base_year(store)
    p = pop[(pop["area_code"] == store.authority.area_code) & (pop["sex"] == "persons")
            & (pop["age_band"] == "all") & (pop["dataset"] == "ons_snpp")]
    if year is not None:
        p = p[p["year"] == year]
    if p.empty:
        return None
    row = p.iloc[0]
    return Fact("Residents (all ages)", float(row["value"]), "people", f"{int(row['year'])} projection",
                f"{row['source_file']}, row {int(row['source_row'])}")


def key_facts(store: Store) -> list[Fact]:
    facts = [_population_fact(store),
             _prevalence_fact(store, "population", "65+", "Residents aged 65 and over"),
             _prevalence_fact(store, "dementia", "65+", "People aged 65+ estimated to have dementia")]
    rate = gaps.dementia_diagnosis_rate(store)
    if rate:
        facts.append(Fact(f"Dementia diagnosis rate (national target {rate.benchmark:.0f}%)", rate.value, "%",
                          str(rate.year), rate.source))
    facts.append(_prevalence_fact(store, "learning_disability", "18-64",
                                  "Adults aged 18-64 estimated to have a learning disability"))
    table = supply.care_home_table(store)
    if len(table):
        cp = store.table("care_providers")
        as_at = str(cp["as_at"].dropna().max()) if cp["as_at"].notna().any() else "date not stated"
        total = table.set_index("type").loc["total"]
        src = str(cp["source_file"].iloc[0])
        facts.append(Fact("Older people's care homes", float(total["homes"]), "homes", f"as at {as_at}", src))
        beds = None if pd.isna(total["beds"]) else float(total["beds"])  # a directory without beds: n/a, never 0
        facts.append(Fact("Beds in older people's care homes", beds, "beds", f"as at {as_at}", src))
    for g in gaps.ld_gaps(store)[:1]:
        facts.append(Fact("Learning disability placements out of area", g.value, "%", str(g.year), g.source))
    return [f for f in facts if f is not None]


def sources(store: Store) -> pd.DataFrame:
    return pd.DataFrame([{"file": f.path, "kind": f.kind, "rows read": f.rows_read,
                          "rows kept": f.rows_kept, "warnings": len(f.warnings),
                          "version or date": stated_version(f.meta),
                          "ingested": f.ingested_at[:10], "sha256": f.sha256[:12]}
                         for f in store.manifest.files])


def stated_version(meta: dict) -> str:
    """The version or date a source file states (publisher version, as-at, extract date, POPPI
    version line, latest period), from its manifest entry's meta."""
    # Dates first: NHS Digital's PUBLICATION (GP_PRAC_PAT_LIST) names the series, not the edition.
    for key in ("as_at", "extract_date", "publisher_version", "latest_period"):
        if meta.get(key):
            return str(meta[key])
    tables = meta.get("tables") or []
    if tables and tables[0].get("version"):
        return str(tables[0]["version"])
    return ""
