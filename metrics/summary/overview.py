"""Headline figures for the Overview page, each with its year or date and the file and row it came
from (their labels are sentences.overview's), and the sources table."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from store import Store
from metrics.supply import gaps, supply


@dataclass(frozen=True)
class KeyFigure:
    """One headline figure. `key` names it (sentences.overview.FACT_LABELS words it); `year` is its
    estimate's, projection's or period's year, `as_at` the directory's date (None when not stated);
    `benchmark` the target a rate is read against."""
    key: str
    value: float | None
    unit: str
    year: str | None
    source: str
    as_at: str | None = None
    benchmark: float | None = None


def _prevalence_figure(store: Store, key: str, measure: str, age_band: str) -> KeyFigure | None:
    prev = store.table("prevalence")
    if prev.empty:
        return None
    rows = prev[(prev["measure"] == measure) & prev["is_total"] & (prev["sex"] == "persons")
                & (prev["area_code"] == store.authority.area_code) & (prev["age_band"] == age_band)]
    if rows.empty:
        return None
    row = rows.sort_values("year").iloc[0]
    return KeyFigure(key, float(row["value"]), "people", str(int(row["year"])),
                     f"{row['source_file']}, row {int(row['source_row'])}")


def _population_figure(store: Store) -> KeyFigure | None:
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
    return KeyFigure("residents", float(row["value"]), "people", str(int(row["year"])),
                     f"{row['source_file']}, row {int(row['source_row'])}")


def key_figures(store: Store) -> list[KeyFigure]:
    """The Overview's headline figures, in the order they are shown; a figure the store cannot give
    is left out (the care home beds of a directory without beds are None: unknown, never 0)."""
    figures = [_population_figure(store),
               _prevalence_figure(store, "aged_65_plus", "population", "65+"),
               _prevalence_figure(store, "dementia_65_plus", "dementia", "65+")]
    rate = gaps.dementia_diagnosis_rate(store)
    if rate:
        figures.append(KeyFigure("dementia_diagnosis_rate", rate.value, "%", str(rate.year), rate.source,
                                 benchmark=rate.benchmark))
    figures.append(_prevalence_figure(store, "learning_disability_18_64", "learning_disability", "18-64"))
    table = supply.care_home_table(store)
    if len(table):
        cp = store.table("care_providers")
        as_at = str(cp["as_at"].dropna().max()) if cp["as_at"].notna().any() else None
        total = table.set_index("type").loc["total"]
        src = str(cp["source_file"].iloc[0])
        figures.append(KeyFigure("care_homes", float(total["homes"]), "homes", None, src, as_at))
        beds = None if pd.isna(total["beds"]) else float(total["beds"])  # a directory without beds: n/a, never 0
        figures.append(KeyFigure("care_home_beds", beds, "beds", None, src, as_at))
    for g in gaps.ld_gaps(store)[:1]:
        figures.append(KeyFigure("ld_out_of_area", g.value, "%", str(g.year), g.source))
    return [f for f in figures if f is not None]


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
