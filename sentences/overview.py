"""The Overview's headline facts in words: each figure's label, its value as read and its as-at
wording (the figures are metrics.summary.overview.key_figures)."""
from __future__ import annotations

from dataclasses import dataclass

from store import Store
from metrics.summary.overview import KeyFigure, key_figures

FACT_LABELS = {
    "residents": "Residents (all ages)",
    "aged_65_plus": "Residents aged 65 and over",
    "dementia_65_plus": "People aged 65+ estimated to have dementia",
    "learning_disability_18_64": "Adults aged 18-64 estimated to have a learning disability",
    "care_homes": "Older people's care homes",
    "care_home_beds": "Beds in older people's care homes",
    "ld_out_of_area": "Learning disability placements out of area",
}


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


def _label(f: KeyFigure) -> str:
    if f.key == "dementia_diagnosis_rate":
        return f"Dementia diagnosis rate (national target {f.benchmark:.0f}%)"
    return FACT_LABELS[f.key]


def _as_at(f: KeyFigure) -> str:
    if f.key == "residents":
        return f"{f.year} projection"
    if f.key in ("aged_65_plus", "dementia_65_plus", "learning_disability_18_64"):
        return f"{f.year} estimate"
    if f.key in ("care_homes", "care_home_beds"):
        return f"as at {f.as_at or 'date not stated'}"
    return str(f.year)


def key_facts(store: Store) -> list[Fact]:
    """The Overview's headline facts (label, value, unit, as-at words, source), in order."""
    return [Fact(_label(f), f.value, f.unit, _as_at(f), f.source) for f in key_figures(store)]
