"""What the published MPS says, section by section, in the order of the 2017 MPS: assembled once
and rendered twice (publish.site, publish.pdf), so the website and the PDF hold the same words and
figures.

Every figure comes from the briefing pack's sections (exports.brief.build_sections and
build_summary), which are built from the metric and export functions the dashboard and the
exports use: nothing is recomputed here. This module only decides which of the brief's blocks go
on which MPS page, which chart (layouts.figures, the dashboard's pure chart functions) draws which
table, the council's narrative beside them, and what to say where a file is missing.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from domain.labels import fmt_date

from exports.brief import Chart, Section, Summary, build_sections, build_summary
from layouts import figures
from metrics.supply import gaps, opportunities
from sentences.findings import RAG_WORDS
from metrics.supply.market import comparator_names
from store import Store
from metrics.tables import mps_tables

from . import narrative as md


@dataclass(frozen=True)
class SectionSpec:
    slug: str  # the page's file name (<slug>.html) and its narrative file (mps/<slug>.md)
    title: str
    brief: tuple[str, ...]  # the brief's sections this page holds, in order
    kinds: tuple[str, ...]  # the kinds of source file its figures come from (the sources table's `kind`)


SECTIONS: tuple[SectionSpec, ...] = (
    SectionSpec("introduction", "Introduction and context", ("Key facts",), ()),
    SectionSpec("demand", "Population and demand by client group", ("Demand by client group",),
                ("poppi_pansi", "ons_snpp", "ons_mid_year_estimates")),
    SectionSpec("supply", "Supply of services", ("Supply",), ("cqc_locations", "council_activity")),
    SectionSpec("demand-and-supply", "Demand against supply", ("Demand versus supply",),
                ("poppi_pansi", "cqc_locations")),
    SectionSpec("neighbourhoods", "Neighbourhoods", ("Neighbourhoods", "Demand against supply where people live"),
                ("gp_registrations_quinary", "gp_registrations_totals", "neighbourhood_caseloads")),
    SectionSpec("market-health", "Market health", ("Market health",),
                ("cqc_locations", "skills_for_care_workforce", "asc_finance_unit_costs")),
    SectionSpec("intentions", "Our intentions and opportunities for providers", ("Opportunities for providers",),
                ("contracts_register",)),
    SectionSpec("performance", "Performance", ("Indicators",), ("fingertips",)),
    SectionSpec("resources", "Resources", ("Resources",), ("council_finance",)),
    SectionSpec("sources", "Sources", ("Sources",), ()),
)
"""The MPS's sections in the order of the 2017 statement (seed 000): introduction and context,
demand, supply, demand against supply, neighbourhoods, market health, the council's intentions and
opportunities for providers, performance, resources, sources."""

FILE_KINDS = {
    "poppi_pansi": "the POPPI and PANSI projections by client group (poppi.org.uk, pansi.org.uk)",
    "ons_snpp": "the ONS subnational population projections",
    "ons_mid_year_estimates": "the ONS mid-year population estimates",
    "cqc_locations": "the CQC care directory (HSCA active locations)",
    "council_activity": "the council's activity file (council-funded people by setting)",
    "gp_registrations_quinary": "NHS Digital's patients registered at a GP practice (five-year age bands)",
    "gp_registrations_totals": "NHS Digital's patients registered at a GP practice (totals)",
    "neighbourhood_caseloads": "the council's caseloads by neighbourhood",
    "skills_for_care_workforce": "the Skills for Care workforce estimates",
    "asc_finance_unit_costs": "the adult social care finance return's unit costs",
    "contracts_register": "the council's and NHS partners' contracts registers",
    "fingertips": "an OHID Fingertips data export",
    "council_finance": "the council's budgets and savings file",
}


@dataclass
class Figure:
    """A table the reader sees, with its CSV and, where one fits, its chart (the table is the twin)."""
    caption: str
    frame: pd.DataFrame
    csv: str  # the CSV's file name under data/
    source: str
    chart: dict | None = None


@dataclass
class Page:
    number: int
    spec: SectionSpec
    before: md.Narrative | None = None
    after: md.Narrative | None = None
    generated: list[str] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    images: list[Chart] = field(default_factory=list)  # the brief's static charts (the PDF's)
    missing: list[str] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return self.spec.slug

    @property
    def title(self) -> str:
        return self.spec.title


@dataclass
class Publication:
    area: str
    code: str | None
    published: dt.date
    store_version: str
    as_at: dt.date
    comparators: list[str]
    summary: Summary
    pages: list[Page]
    contact: md.Narrative | None
    contacts: dict
    intentions: dict
    findings: Figure
    changes: list[Figure] = field(default_factory=list)  # "what changed since the last MPS"
    previous: dict | None = None

    def page(self, slug: str) -> Page:
        return next(p for p in self.pages if p.slug == slug)


def profile_folder(store: Store, profiles: Path | None = None) -> Path | None:
    """The authority's profile folder: data/authorities/<code>/, else a folder named after it."""
    from loaders.profile import AUTHORITIES_DIR
    base = Path(profiles) if profiles else AUTHORITIES_DIR
    a = store.authority
    for name in [a.area_code, slug_of(a.area_name or "")]:
        if name and (base / name).is_dir():
            return base / name
    return None


def slug_of(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-")


def _chart(caption: str, frame: pd.DataFrame) -> dict | None:
    """The dashboard's chart for a table of the brief, where one fits; None otherwise."""
    if frame.empty:
        return None
    fig = None
    if caption.startswith("Estimated people") and "change %" in frame:
        f = frame.assign(label=frame["measure"] + " (" + frame["age_band"].astype(str) + ")")
        fig = figures.bars(f.sort_values("change %", ascending=False), "label", "change %",
                           f"{caption}: projected change (%)", y_title="% change", horizontal=True, decimals=1)
    elif caption.startswith("Older residents") and "change %" in frame:
        fig = figures.bars(frame, "area_name", "change %", caption, series="age_group", y_title="% change",
                           decimals=1)
    elif caption.startswith("Care homes for older people"):
        fig = figures.bars(frame, "type", "beds", "Care home beds for older people by type", y_title="Beds")
    elif caption.startswith("Care home beds needed"):
        fig = figures.bars(frame.assign(year=frame["year"].astype(str)), "year", "beds_needed", caption,
                           y_title="Beds")
        fig["layout"]["xaxis"] = {**fig["layout"].get("xaxis", {}), "type": "category"}  # years as labels
    elif caption.startswith("Budgets and savings"):
        f = frame.assign(label=frame["item"].astype(str) + " " + frame["period"].astype(str))
        fig = figures.money_bars(f, "label", "value_gbp", caption)
    elif caption == "By client group" and "annual_value_ending_12m" in frame:
        fig = figures.bars(frame, "client_group", "contracts_ending_12m",
                           "Contracts ending within 12 months, by client group", y_title="Contracts")
    if fig is None:
        return None
    fig = fig if isinstance(fig, dict) else fig.to_plotly_json()
    return None if figures.draws_nothing(fig) else fig


def _sources_line(spec: SectionSpec, sources: pd.DataFrame, as_at: dt.date, version: str) -> str:
    files = sources[sources["kind"].isin(spec.kinds)]["path"].tolist() if spec.kinds else []
    named = "; ".join(files) if files else "every file listed under Sources"
    return f"Source: {named}. Data as at {fmt_date(str(as_at)[:10])}; store version {version[:10]}."


def assemble(store: Store, *, profiles: Path | None = None, published: dt.date | None = None) -> Publication:
    """The whole MPS for the store's authority, in section order."""
    tables = mps_tables(store)
    brief = {s.title: s for s in build_sections(store)}
    summary = build_summary(store)
    as_at = opportunities.reference_date(store)
    sources = tables["sources"]
    folder = profile_folder(store, profiles)
    narratives = (folder / "mps") if folder else None
    loaded = set(sources["kind"]) if len(sources) else set()
    area = store.authority.area_name or "The authority"
    pages = []
    for n, spec in enumerate(SECTIONS, 1):
        page = Page(n, spec)
        if narratives is not None:
            page.before = md.read(narratives / f"{spec.slug}.md")
            page.after = md.read(narratives / f"{spec.slug}.after.md")
        line = _sources_line(spec, sources, as_at, store.version)
        blocks: list = []
        for title in spec.brief:
            s: Section | None = brief.get(title)
            if s is None:
                continue
            page.generated += s.paragraphs
            blocks += s.blocks
        if spec.slug == "demand-and-supply":  # the beds-needed chart's own table (the brief draws it only)
            beds = gaps.beds_needed(store)
            if len(beds):
                blocks.append(("Care home beds needed to hold today's ratio",
                               beds[[c for c in ["year", "beds_now", "beds_needed", "gap"] if c in beds]].round(0)))
        for b in blocks:
            if isinstance(b, Chart):
                page.images.append(b)
                continue
            caption, frame = b
            csv = f"{spec.slug}-{len(page.figures) + 1}-{slug_of(caption)[:40].strip('-')}.csv"
            page.figures.append(Figure(caption, frame, csv, line, _chart(caption, frame)))
        absent = [k for k in spec.kinds if k not in loaded]
        if spec.kinds and len(absent) == len(spec.kinds):
            page.missing.append(f"The store holds no data for this section yet: it comes from "
                                f"{_listed([FILE_KINDS[k] for k in spec.kinds])}. Load one with `mps ingest`.")
        elif absent and spec.slug not in ("demand",):
            page.missing.append("Not loaded, so not shown here: " + _listed([FILE_KINDS[k] for k in absent]) + ".")
        pages.append(page)
    f = summary.findings
    keep = [c for c in ["rank", "title", "rag", "value", "unit", "year", "comparator", "comparator_value", "source"]
            if c in f.columns]
    table = f[keep].round(1) if len(f) else f
    if "rag" in table.columns:  # the reader's words for the mark, as the summary above says it
        table = table.assign(rag=table["rag"].map(lambda r: RAG_WORDS.get(r, r)))
    findings = Figure("Summary of findings", table, "findings.csv",
                      f"Source: the files under Sources. Data as at {fmt_date(str(as_at)[:10])}; "
                      f"store version {store.version[:10]}.")
    manifest = store.manifest
    return Publication(area=area, code=store.authority.area_code, published=published or dt.date.today(),
                       store_version=store.version, as_at=as_at, comparators=comparator_names(store),
                       summary=summary, pages=pages,
                       contact=md.read(narratives / "contact.md") if narratives is not None else None,
                       contacts=dict(manifest.contacts or {}), intentions=dict(manifest.intentions or {}),
                       findings=findings)


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]
