"""The briefing pack's charts: static PNG images drawn with matplotlib (no browser or network), each
with the alternative text that reads its values out, in the Okabe-Ito palette."""
from __future__ import annotations

import io
from dataclasses import dataclass

import pandas as pd

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9"]


@dataclass
class Chart:
    png: bytes
    alt: str


def _bar_chart(labels, values, title, xlabel, *, colour=OKABE_ITO[0], height=3.2) -> Chart:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7.2, height), dpi=150)
    bars = ax.barh(list(labels)[::-1], list(values)[::-1], color=colour)
    ax.bar_label(bars, labels=[f"{v:,.0f}" for v in list(values)[::-1]], padding=3, fontsize=8)
    ax.set_title(title, loc="left", fontsize=11, fontweight="bold")
    ax.set_xlabel(xlabel)
    top = max([float(v) for v in values] + [0])
    ax.set_xlim(0, top * 1.15 if top > 0 else 1)  # room for the value labels inside the plot
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(labelsize=8)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    alt = f"{title}: " + "; ".join(f"{label} {v:,.0f}" for label, v in zip(labels, values))
    return Chart(buf.getvalue(), alt)


def _grouped_chart(frame: pd.DataFrame, x: str, series: str, y: str, title: str, ylabel: str) -> Chart:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    pivot = frame.pivot_table(index=x, columns=series, values=y, aggfunc="sum").fillna(0)
    fig, ax = plt.subplots(figsize=(7.2, 3.2), dpi=150)
    width = 0.8 / max(1, len(pivot.columns))
    hatches = ["", "//", "xx", ".."]
    for i, col in enumerate(pivot.columns):
        ax.bar([j + i * width for j in range(len(pivot))], pivot[col], width, label=str(col),
               color=OKABE_ITO[i % 6], hatch=hatches[i % 4], edgecolor="#0b0c0c", linewidth=0.4)
    ax.set_xticks([j + width * (len(pivot.columns) - 1) / 2 for j in range(len(pivot))])
    ax.set_xticklabels([str(v) for v in pivot.index], fontsize=8, rotation=30, ha="right")
    ax.set_title(title, loc="left", fontsize=11, fontweight="bold")
    ax.set_ylabel(ylabel)
    ax.legend(fontsize=8, frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    alt = f"{title}: " + "; ".join(f"{idx} {col} {v:,.0f}" for idx, row in pivot.iterrows() for col, v in row.items())
    return Chart(buf.getvalue(), alt)


def _finding_bars(row, area: str) -> list[tuple[str, float]]:
    """The bars of a finding's small chart: the authority's value beside each comparator it has."""
    if row["finding_key"] == "beds_needed":
        return [(f"Registered ({row['comparator'].rsplit(' ', 1)[-1]})", row["comparator_value"]),
                (f"Needed ({row['year']})", row["value"])]
    bars = [(area, row["value"])]
    for label, col in [("Region", "region_value"), ("England", "england_value"),
                       ("Comparators", "comparators_value")]:
        v = row[col]
        if v is not None and not pd.isna(v):
            bars.append((label, v))
    cmp_value = row["comparator_value"]
    if row["comparator"] not in ("England", "England's growth") and cmp_value is not None and not pd.isna(cmp_value):
        bars.append((str(row["comparator"]).capitalize(), cmp_value))
    return bars


def _finding_chart(row, area: str, region: str) -> Chart:
    """One small horizontal bar chart: the authority (dark blue) against its comparators (grey),
    every bar labelled with its value, the axis from zero with room for the labels."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    bars = [(region if label == "Region" else label, float(v)) for label, v in _finding_bars(row, area)]
    unit = row["unit"]
    fmt = (lambda v: f"{v:+.0f}%") if row["finding_key"].startswith("demand_growth") else (
        (lambda v: f"{v:.1f}%") if unit == "%" else (lambda v: f"{v:,.0f}" if abs(v) >= 100 else f"{v:,.1f}"))
    fig, ax = plt.subplots(figsize=(2.6, 0.32 * len(bars) + 0.35), dpi=200)
    labels = [b[0] for b in bars][::-1]
    values = [b[1] for b in bars][::-1]
    colours = ["#0072B2" if i == len(bars) - 1 else "#8A8F94" for i in range(len(bars))]
    drawn = ax.barh(labels, values, color=colours, height=0.65)
    ax.bar_label(drawn, labels=[fmt(v) for v in values], padding=2, fontsize=6.5, color="#0B0C0C")
    lo, hi = min(values + [0]), max(values + [0])
    ax.set_xlim(lo * 1.35 if lo < 0 else 0, hi * 1.35 if hi > 0 else 1)
    ax.tick_params(labelsize=6.5, length=0)
    ax.set_xticks([])
    ax.spines[["top", "right", "bottom"]].set_visible(False)
    fig.tight_layout(pad=0.2)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    alt = f"{row['title']}: " + "; ".join(f"{label} {fmt(v)}" for label, v in bars)
    return Chart(buf.getvalue(), alt)
