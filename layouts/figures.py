"""Figure builders: each a pure function from a tidy frame to a plotly figure (FingertipsNext's
pattern). Colours are the Okabe-Ito palette, safe for the common forms of colour blindness; every
series is also told apart by label or marker, never by colour alone.
"""
from __future__ import annotations

import copy
import functools
import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from domain.labels import fmt_money

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
MARKERS = ["circle", "square", "diamond", "triangle-up", "x", "cross", "star", "hexagon"]
FONT = dict(family="Arial, Helvetica, sans-serif", size=14, color="#0b0c0c")
# A small template of our own: plotly's built-in ones are large and cost ~15 ms to validate on
# every figure, which alone would break the 100 ms callback budget.
TEMPLATE = go.layout.Template(layout=dict(
    paper_bgcolor="#ffffff", plot_bgcolor="#ffffff", font=FONT,
    xaxis=dict(gridcolor="#e5e5e5", linecolor="#6f777b", zerolinecolor="#b1b4b6", automargin=True),
    yaxis=dict(gridcolor="#e5e5e5", linecolor="#6f777b", zerolinecolor="#b1b4b6", automargin=True)))
TEMPLATE_JSON = TEMPLATE.to_plotly_json()


def _base(fig: go.Figure, title: str, y_title: str = "", x_title: str = "", **layout) -> dict:
    """The figure as a plain dict with our layout merged in. Building the layout as a dict skips
    plotly's per-property validation, which otherwise costs 5-20 ms a figure."""
    out = fig.to_plotly_json()
    # Titles wrap at TITLE_WIDTH characters: plotly never wraps them, and on a 390 px phone a long one
    # ran off the chart, cut mid-word. Each extra line gets room above the plot.
    title = wrap(title, TITLE_WIDTH, max_lines=3) if title else title
    lines = title.count("<br>") + 1 if title else 1
    base = {
        "template": TEMPLATE_JSON, "font": FONT, "title": {"text": title, "x": 0, "xanchor": "left"},
        "margin": {"l": 60, "r": 20, "t": 40 + 22 * lines, "b": 50}, "legend": {"orientation": "h", "y": -0.2},
        "hoverlabel": {"font": FONT}, "height": 450 + 22 * (lines - 1),
    }
    merged = {**out.get("layout", {}), **base, **layout}
    if "margin" in layout:  # a builder's own margins still leave room for the title's lines
        merged["margin"] = {**layout["margin"], "t": max(layout["margin"].get("t", 60), 40 + 22 * lines)}
    for axis, text in (("yaxis", y_title), ("xaxis", x_title)):
        text = wrap(text, AXIS_TITLE_WIDTH, max_lines=3) if text else text
        merged[axis] = {**out.get("layout", {}).get(axis, {}), **layout.get(axis, {}), "title": {"text": text}}
    out["layout"] = merged
    return out


def empty(message: str) -> go.Figure:
    """A chart with hidden axes and MESSAGE in their place. Built once per message (plotly's
    validation cost ~11 ms a figure, and pages draw many) and handed out as a copy, so a caller
    that changes its figure changes only its own."""
    return copy.deepcopy(_empty(message))


@functools.lru_cache(maxsize=64)
def _empty(message: str) -> dict:
    fig = go.Figure()
    fig.add_annotation(text=message, showarrow=False, font=dict(size=16))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _base(fig, "")


def draws_nothing(figure) -> bool:
    """Whether a figure would be empty axes: no trace holds a finite value on its value axis (y, or
    x for a horizontal bar; z for a heatmap; values for a pie). A frame of blanks gives traces of
    NaN, which plotly draws as bare axes from -1 to 6. A figure from `empty` (axes hidden, its
    message instead) is not empty axes."""
    fig = figure.to_plotly_json() if hasattr(figure, "to_plotly_json") else (figure or {})
    layout = fig.get("layout", {}) or {}
    if (layout.get("xaxis") or {}).get("visible") is False and layout.get("annotations"):
        return False
    for trace in fig.get("data", []) or []:
        kind = trace.get("type", "scatter")
        if kind in ("bar", "scatter", "box", "histogram"):
            # The value axis is y, unless the trace lies along it (a horizontal bar) or y holds
            # categories (a dot plot of values against labels, as the Performance spine draws).
            across = trace.get("orientation") == "h" or (kind == "scatter" and _categories(trace.get("y")))
            keys = ["x"] if across else ["y"]
        elif kind in ("heatmap", "contour"):
            keys = ["z"]
        elif kind == "pie":
            keys = ["values"]
        else:
            keys = ["x", "y", "z", "values", "lat", "lon"]
        if any(_has_finite(trace.get(k)) for k in keys):
            return False
    return True


def _categories(values) -> bool:
    """Whether an axis's values are labels (text that is not a number), not values."""
    if values is None or isinstance(values, dict):
        return False
    present = [v for v in np.ravel(np.asarray(values, dtype=object)) if v is not None]
    return bool(present) and all(isinstance(v, str) and not _has_finite([v]) for v in present)


def _has_finite(values) -> bool:
    if values is None:
        return False
    if isinstance(values, dict) and "bdata" in values:  # plotly's binary form of a numeric array
        import base64
        array = np.frombuffer(base64.b64decode(values["bdata"]), dtype=np.dtype(values["dtype"]))
        return bool(np.isfinite(array.astype(float)).any()) if array.dtype.kind in "fiu" else bool(len(array))
    if isinstance(values, (str, bytes)):
        values = [values]
    for v in np.ravel(np.asarray(values, dtype=object)):
        try:
            f = float(v)
        except (TypeError, ValueError):
            continue
        if math.isfinite(f):
            return True
    return False


def lines(frame: pd.DataFrame, x: str, y: str, series: str, title: str, y_title: str = "") -> go.Figure:
    """One line per ``series`` value over ``x``."""
    if frame.empty:
        return empty("No data for this selection")
    fig = go.Figure()
    for i, (name, part) in enumerate(frame.groupby(series, sort=False)):
        part = part.sort_values(x)
        fig.add_trace(go.Scatter(x=part[x], y=part[y], name=str(name), mode="lines+markers",
                                 line=dict(color=OKABE_ITO[i % 8], width=3),
                                 marker=dict(symbol=MARKERS[i % 8], size=9)))
    fig.update_xaxes(dtick=1 if frame[x].nunique() < 12 else None)
    return _base(fig, title, y_title)


TITLE_WIDTH = 36  # characters of a chart title on one line: fits a 390 px phone at 17 px
AXIS_TITLE_WIDTH = 28  # an axis title is centred on the plot, which is narrower than the chart


def wrap(text, width: int = 28, max_lines: int = 4) -> str:
    """Break a long category label over lines (<br>) so it is not cut off at the axis."""
    words, lines, line = str(text).split(), [], ""
    for w in words:
        if line and len(line) + 1 + len(w) > width:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}".strip()
    lines.append(line)
    return "<br>".join(lines[:max_lines]) + ("…" if len(lines) > max_lines else "")


def bars(frame: pd.DataFrame, x: str, y: str, title: str, *, series: str | None = None,
         y_title: str = "", horizontal: bool = False, stacked: bool = False, decimals: int = 0) -> go.Figure:
    if frame.empty:
        return empty("No data for this selection")
    fig = go.Figure()
    groups = frame.groupby(series, sort=False) if series else [(y_title or y, frame)]
    for i, (name, part) in enumerate(groups):
        kwargs = (dict(x=part[y], y=part[x].map(wrap), orientation="h", hovertext=part[x])
                  if horizontal else dict(x=part[x], y=part[y]))
        fig.add_trace(go.Bar(name=str(name), marker=dict(color=OKABE_ITO[i % 8],
                                                         pattern=dict(shape=["", "/", "x", "."][i % 4])),
                             # Labels only where they stay legible (never on a stack, never over a
                             # pattern: outside the bar, dark on white); the table twin has every value.
                             text=part[y].map(lambda v: f"{v:,.{decimals}f}" if pd.notna(v) else "")
                             if len(frame) <= 16 and not stacked else None,
                             textposition="outside", textfont=dict(color="#0b0c0c"), cliponaxis=False,
                             **kwargs))
    fig.update_layout(barmode="stack" if stacked else "group", showlegend=bool(series))
    extra = {}
    values = pd.to_numeric(frame[y], errors="coerce").dropna()
    if len(values) and not stacked:  # room for the labels inside the plot, so none is clipped
        lo, hi = min(0.0, float(values.min())), max(0.0, float(values.max()))
        # Horizontal bars need more: on a 390 px phone the plot is ~150 px wide and "10,000" is 45 px.
        pad = (hi - lo) * (0.35 if horizontal else 0.15) or 1.0
        extra["xaxis" if horizontal else "yaxis"] = {"range": [lo - pad if lo < 0 else 0, hi + pad]}
    if horizontal:
        categories = frame[x].nunique()
        lines = frame[x].map(lambda t: wrap(t).count("<br>") + 1).max()
        per_bar = max(24, 16 * lines) * (1 if stacked or not series else frame[series].nunique())
        extra["height"] = max(300, 160 + per_bar * categories)
    return _base(fig, title, "" if horizontal else y_title, y_title if horizontal else "", **extra)


def spine(frame: pd.DataFrame, title: str) -> go.Figure:
    """Indicators against England and region: the authority's value with its 95% interval, and
    England/region as markers. Values are shown relative to England (England = 100)."""
    if frame.empty:
        return empty("No indicators in the store")
    f = frame.dropna(subset=["england_value"]).copy()
    if f.empty:
        return empty("No England benchmarks in the store")
    scale = 100 / f["england_value"]
    ages = f["age"].astype(str) if "age" in f.columns else pd.Series("All ages", index=f.index)
    age = ages.where(ages.str.lower() == "all ages", ", " + ages).where(ages.str.lower() != "all ages", "")
    ages = ages.str.replace(" yrs", "", regex=False)
    age = ages.where(ages.str.lower() == "all ages", ", " + ages).where(ages.str.lower() != "all ages", "")
    said = [a.strip(", ") in n for a, n in zip(age, f["indicator_name"])]
    age = age.where([not x for x in said], "")  # "Hip fractures (65+)" needs no second "65+"
    # Narrow lines, each row as tall as its label: long labels overlapped their neighbours on a phone.
    f["label"] = (f["indicator_name"] + " (" + f["period"].astype(str) + ", " + f["sex"] + age + ")").map(
        lambda t: wrap(t, 26))
    label_lines = int(f["label"].str.count("<br>").add(1).sum())
    styles = {"better": (OKABE_ITO[2], "circle"), "worse": (OKABE_ITO[3], "x"), "similar": ("#6f777b", "circle-open"),
              "higher": (OKABE_ITO[0], "triangle-up"), "lower": (OKABE_ITO[5], "triangle-down"),
              "not_compared": ("#6f777b", "square-open")}
    fig = go.Figure()
    for verdict, part in f.groupby("compared_to_england", sort=False):
        colour, symbol = styles.get(verdict, ("#6f777b", "circle"))
        s = scale[part.index]
        fig.add_trace(go.Scatter(
            x=part["value"] * s, y=part["label"], mode="markers",
            name=f"{str(verdict).replace('_', ' ').capitalize()} than England (95% CI)"
            if verdict in ("better", "worse", "higher", "lower") else f"{str(verdict).replace('_', ' ').capitalize()} to England",
            marker=dict(size=13, color=colour, symbol=symbol, line=dict(color="#0b0c0c", width=1)),
            error_x=dict(type="data", symmetric=False, array=((part["upper_ci"] - part["value"]) * s).fillna(0),
                         arrayminus=((part["value"] - part["lower_ci"]) * s).fillna(0), color="#0b0c0c"),
            customdata=part[["value"]], hovertemplate="%{y}<br>value %{customdata[0]:.1f}<extra></extra>"))
    fig.add_trace(go.Scatter(x=f["region_value"] * scale, y=f["label"], mode="markers", name="Region",
                             marker=dict(symbol="diamond-open", size=12, color=OKABE_ITO[1], line=dict(width=2))))
    if "comparators_value" in f.columns and f["comparators_value"].notna().any():
        fig.add_trace(go.Scatter(
            x=f["comparators_value"] * scale, y=f["label"], mode="markers", name="Comparator authorities (mean)",
            marker=dict(symbol="star-open", size=12, color=OKABE_ITO[4], line=dict(width=2)),
            customdata=f[["comparators_value", "comparators_n"]],
            hovertemplate="%{y}<br>comparators' mean %{customdata[0]:.1f} (%{customdata[1]} authorities)<extra></extra>"))
    fig.add_vline(x=100, line=dict(color="#0b0c0c", dash="dash"), annotation_text="England = 100")
    return _base(fig, title, "", "England = 100",
                 height=max(450, 220 + 24 * label_lines + 16 * len(f)))


def tile_map(frame: pd.DataFrame, value: str, title: str, label_col: str = "name") -> go.Figure:
    """A schematic tile map of the neighbourhoods (no tiles from a server): one square per row of
    ``frame`` at its ``tile_col``/``tile_row`` (the authority's profile places them roughly as on a
    map), or in rows of three in the frame's order where no position is given; shaded by ``value``
    on a single-hue scale and labelled with it."""
    if frame.empty:
        return empty("No neighbourhood data")
    positions = _tile_positions(frame)
    vals = pd.to_numeric(frame[value], errors="coerce")
    lo, hi = (vals.min(), vals.max()) if vals.notna().any() else (0, 1)
    blues = ["#deebf7", "#9ecae1", "#4292c6", "#08519c"]
    shapes, annotations = [], []
    for r, v, (x, y) in zip(frame.itertuples(), vals, positions):
        level = 0 if pd.isna(v) or hi == lo else min(3, int((v - lo) / (hi - lo) * 3.999))
        fill = blues[level] if pd.notna(v) else "#f3f2f1"
        shapes.append(dict(type="rect", x0=x, x1=x + 0.95, y0=y, y1=y + 0.95, fillcolor=fill,
                           line=dict(color="#0b0c0c", width=2)))
        shown = getattr(r, "display", None) or (f"{v:,.0f}" if pd.notna(v) else "n/a")
        annotations.append(dict(x=x + 0.475, y=y + 0.475, showarrow=False,
                                text=f"<b>{str(getattr(r, label_col)).replace(' ', '<br>', 1)}</b><br>{shown}",
                                font=dict(size=14, color="#ffffff" if level >= 2 else "#0b0c0c")))
    # The legend in words (never colour alone): what each shade spans, and that the number is printed.
    if vals.notna().any() and hi != lo:
        step = (hi - lo) / 4
        spans = "; ".join(f"{name} {lo + i * step:,.1f} to {lo + (i + 1) * step:,.1f}"
                          for i, name in enumerate(["lightest", "light", "dark", "darkest"]))
        key = f"Shading: {spans}; grey: no data. Each square prints its value. Click a square to select it."
    else:
        key = "Each square prints its value (grey: no data). Click a square to select it."
    annotations.append(dict(x=0, y=-0.06, xref="paper", yref="paper", xanchor="left", yanchor="top",
                            showarrow=False, align="left", text=wrap(key, 44, max_lines=8),
                            font=dict(size=13, color="#0b0c0c")))
    fig = go.Figure()
    if "area_code" in frame:  # a transparent marker on each square: clicking it selects the area (customdata)
        fig.add_trace(go.Scatter(x=[x + 0.475 for x, _ in positions], y=[y + 0.475 for _, y in positions],
                                 mode="markers", customdata=[[c] for c in frame["area_code"]],
                                 hovertext=frame[label_col], hoverinfo="text", showlegend=False,
                                 marker=dict(size=60, symbol="square", color="rgba(255,255,255,0.01)")))
    # Shapes and annotations go in as plain layout: add_shape/add_annotation validate one by one.
    return _base(fig, title, shapes=shapes, annotations=annotations, height=540,
                 margin={"l": 60, "r": 20, "t": 60, "b": 150},
                 xaxis={"visible": False, "range": [min(x for x, _ in positions) - 0.05,
                                                    max(x for x, _ in positions) + 1.0]},
                 yaxis={"visible": False, "range": [min(y for _, y in positions) - 0.05,
                                                    max(y for _, y in positions) + 1.0], "scaleanchor": "x"})


def _tile_positions(frame: pd.DataFrame) -> list[tuple[float, float]]:
    """(column, row) of each tile: the profile's where both are given, else rows of three from
    the top in the frame's order."""
    cols = pd.to_numeric(frame.get("tile_col", pd.Series(index=frame.index, dtype=float)), errors="coerce")
    rows = pd.to_numeric(frame.get("tile_row", pd.Series(index=frame.index, dtype=float)), errors="coerce")
    if cols.notna().all() and rows.notna().all():
        return list(zip(cols.astype(float), rows.astype(float)))
    n = len(frame)
    top = (n - 1) // 3
    return [(float(i % 3), float(top - i // 3)) for i in range(n)]


def ward_map(polygons: pd.DataFrame, values: pd.DataFrame, value: str, title: str) -> dict:
    """Ward polygons from the user's GeoJSON, drawn as filled shapes on plain axes (no tiles, no
    network), each shaded by its neighbourhood's ``value`` in ``values`` (indexed by
    neighbourhood code, with an optional ``display`` column for suppressed text)."""
    import math

    if polygons.empty:
        return empty("No ward boundaries in the store")
    vals = pd.to_numeric(values[value], errors="coerce") if len(values) else pd.Series(dtype=float)
    lo, hi = (vals.min(), vals.max()) if vals.notna().any() else (0, 1)
    blues = ["#deebf7", "#9ecae1", "#4292c6", "#08519c"]
    fig = go.Figure()
    exterior = polygons[polygons["ring"] == 0]
    for (ward, hood, _polygon), pts in exterior.groupby(["ward_name", "neighbourhood_code", "polygon"], dropna=False, sort=False):
        v = vals.get(hood) if isinstance(hood, str) else None
        level = 0 if v is None or pd.isna(v) or hi == lo else min(3, int((v - lo) / (hi - lo) * 3.999))
        shown = values["display"].get(hood) if "display" in values and isinstance(hood, str) else None
        label = f"{ward} ({hood or 'no neighbourhood'}): {shown or ('n/a' if v is None or pd.isna(v) else f'{v:,.0f}')}"
        fig.add_trace(go.Scatter(x=pts["lon"], y=pts["lat"], fill="toself", mode="lines", name=str(ward),
                                 fillcolor=blues[level] if v is not None and pd.notna(v) else "#f3f2f1",
                                 line=dict(color="#0b0c0c", width=1), hoverinfo="text", text=label,
                                 showlegend=False))
    lat0 = math.radians(float(exterior["lat"].mean()))
    centres = exterior.groupby("ward_name")[["lon", "lat"]].mean()
    labels = [dict(x=c.lon, y=c.lat, text=str(w), showarrow=False, font=dict(size=11, color="#0b0c0c"),
                   bgcolor="rgba(255,255,255,0.7)") for w, c in centres.iterrows()] if len(centres) <= 40 else []
    return _base(fig, title, height=560, annotations=labels, xaxis={"visible": False},
                 yaxis={"visible": False, "scaleanchor": "x", "scaleratio": 1 / math.cos(lat0)})


SEQUENTIAL = ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"]  # ColorBrewer Blues: colour-blind safe
NO_VALUE = "#f3f2f1"
SELECTED = "#E69F00"


def class_breaks(values: pd.Series, classes: int = 5) -> list[float]:
    """Equal-interval class edges over the finite values (fewer classes when few distinct values)."""
    v = pd.to_numeric(values, errors="coerce").dropna()
    if v.empty:
        return []
    lo, hi = float(v.min()), float(v.max())
    if hi == lo:
        return [lo, hi]
    n = min(classes, max(1, v.nunique()))
    return [lo + (hi - lo) * i / n for i in range(n + 1)]


def _class_of(v, breaks: list[float]) -> int | None:
    if v is None or pd.isna(v) or not breaks:
        return None
    for i in range(1, len(breaks) - 1):
        if v < breaks[i]:
            return i - 1
    return max(0, len(breaks) - 2)


def _path(rings: pd.DataFrame) -> tuple[list, list]:
    """Exterior rings as one x/y path, polygons separated by gaps (one trace fills them all)."""
    xs, ys = [], []
    for _key, ring in rings.groupby(["ward_code", "polygon"], sort=False):
        xs += ring["lon"].tolist() + [None]
        ys += ring["lat"].tolist() + [None]
    return xs, ys


def area_map(wards: pd.DataFrame, outlines: pd.DataFrame, values: pd.DataFrame, title: str, legend_title: str, *,
             level: str = "ward", selected: str | None = None, labels: bool = True) -> dict:
    """Wards (or neighbourhoods, drawn as their wards) shaded by ``values['value']`` in five
    equal-interval classes of one colour-blind-safe hue, each class a legend entry, neighbourhood
    outlines on top, and one clickable marker per area carrying its code (``customdata``) and its
    value (``display``) in the hover. Plain axes: no map tiles, no network.

    ``wards``: the simplified rings stored at ingest (ward_code, ward_name, neighbourhood_code,
    polygon, ring, point, lon, lat). ``outlines``: neighbourhood rings (neighbourhood_code,
    polygon, ring, point, lon, lat), may be empty. ``values``: indexed by area code (ward code, or
    neighbourhood code when ``level`` is neighbourhood) with ``value``, ``display`` and ``name``."""
    import math

    if wards.empty:
        return empty("No ward boundaries in the store")
    rings = wards[wards["ring"] == 0].sort_values(["ward_code", "polygon", "point"])
    key = "ward_code" if level == "ward" else "neighbourhood_code"
    vals = pd.to_numeric(values["value"], errors="coerce") if len(values) else pd.Series(dtype=float)
    breaks = class_breaks(vals)
    area_class = {code: _class_of(v, breaks) for code, v in vals.items()}
    rings = rings.assign(_class=rings[key].map(area_class))
    traces = []
    for c in range(max(0, len(breaks) - 1)):
        part = rings[rings["_class"] == c]
        xs, ys = _path(part) if len(part) else ([None], [None])
        colour = SEQUENTIAL[round(c * (len(SEQUENTIAL) - 1) / max(1, len(breaks) - 2))]
        traces.append({"type": "scatter", "x": xs, "y": ys, "mode": "lines", "fill": "toself",
                       "fillcolor": colour, "line": {"color": "#505a5f", "width": 0.8}, "hoverinfo": "skip",
                       "name": f"{breaks[c]:,.1f} to {breaks[c + 1]:,.1f}", "legendgroup": f"class{c}"})
    missing = rings[rings["_class"].isna()]
    if len(missing):
        xs, ys = _path(missing)
        traces.append({"type": "scatter", "x": xs, "y": ys, "mode": "lines", "fill": "toself", "fillcolor": NO_VALUE,
                       "line": {"color": "#505a5f", "width": 0.8}, "hoverinfo": "skip",
                       "name": "No value or suppressed"})
    if len(outlines):
        o = outlines[outlines["ring"] == 0].sort_values(["neighbourhood_code", "polygon", "point"])
        xs, ys = _path(o.rename(columns={"neighbourhood_code": "ward_code"}))
        traces.append({"type": "scatter", "x": xs, "y": ys, "mode": "lines", "line": {"color": "#0b0c0c", "width": 3},
                       "hoverinfo": "skip", "name": "Neighbourhood boundary"})
    if selected:
        sel = rings[rings[key] == selected]
        if len(sel):
            xs, ys = _path(sel)
            traces.append({"type": "scatter", "x": xs, "y": ys, "mode": "lines", "hoverinfo": "skip",
                           "line": {"color": SELECTED, "width": 5}, "name": "Selected"})
    centres = rings.groupby(key)[["lon", "lat"]].mean()
    centres = centres[centres.index.isin(values.index)] if len(values) else centres
    names = values["name"].reindex(centres.index).fillna(pd.Series(centres.index, index=centres.index))
    shown = values["display"].reindex(centres.index).fillna("n/a")
    traces.append({"type": "scatter", "x": centres["lon"].tolist(), "y": centres["lat"].tolist(),
                   "mode": "markers+text" if labels else "markers", "text": names.tolist(),
                   "textposition": "top center", "textfont": {"size": 11, "color": "#0b0c0c"},
                   "customdata": [[c] for c in centres.index],
                   "hovertext": [f"{n}: {d}" for n, d in zip(names, shown)], "hoverinfo": "text",
                   "marker": {"size": 11, "color": "#ffffff", "line": {"color": "#0b0c0c", "width": 2},
                              "symbol": ["star" if c == selected else "circle" for c in centres.index]},
                   "name": "Select an area (click its marker)"})
    lat0 = math.radians(float(rings["lat"].mean()))
    out = _base(go.Figure(), title, height=620,
                legend={"orientation": "v", "x": 1.01, "y": 1, "title": {"text": legend_title}},
                margin={"l": 10, "r": 10, "t": 60, "b": 10}, clickmode="event", hovermode="closest",
                xaxis={"visible": False}, yaxis={"visible": False, "scaleanchor": "x", "scaleratio": 1 / math.cos(lat0)})
    out["data"] = traces
    return out


DIVERGING = [[0.0, "#b35806"], [0.25, "#f1a340"], [0.45, "#fee0b6"], [0.5, "#f7f7f7"], [0.55, "#d8daeb"],
             [0.75, "#998ec3"], [1.0, "#542788"]]  # ColorBrewer PuOr: colour-blind safe, 100 at the centre


def index_heatmap(frame: pd.DataFrame, x: str, y: str, z: str, title: str, colour_title: str) -> dict:
    """A heatmap of an index where 100 is the benchmark (orange below, purple above, capped at 0 and
    200), each cell labelled with its value so colour is never the only cue."""
    if frame.empty:
        return empty("No data for this selection")
    pivot = frame.pivot_table(index=y, columns=x, values=z, aggfunc="first", sort=False)
    text = [[("" if pd.isna(v) else f"{v:,.0f}") for v in row] for row in pivot.to_numpy()]
    # Row and column names wrapped, and the colour key laid under the grid: with the names on one line
    # and the key beside it, a 390 px phone had no room left for the cells.
    rows = [wrap(i, 24) for i in pivot.index]
    lines = max(r.count("<br>") + 1 for r in rows)
    trace = {"type": "heatmap", "x": [wrap(c, 12) for c in pivot.columns], "y": rows,
             "z": [[None if pd.isna(v) else min(200.0, float(v)) for v in row] for row in pivot.to_numpy()],
             "text": text, "texttemplate": "%{text}", "zmin": 0, "zmax": 200, "colorscale": DIVERGING,
             "colorbar": {"title": {"text": wrap(colour_title, 28), "side": "top"}, "orientation": "h",
                          "y": -0.12, "yanchor": "top", "len": 0.9, "thickness": 14},
             "hoverongaps": False, "xgap": 2, "ygap": 2, "hovertemplate": "%{y}<br>%{x}: %{text}<extra></extra>"}
    out = _base(go.Figure(), title, height=max(420, (18 * lines + 12) * len(pivot) + 260),
                margin={"l": 20, "r": 20, "t": 60, "b": 140}, yaxis={"autorange": "reversed", "automargin": True})
    out["data"] = [trace]
    return out
# Marks a person reads on the segment ratings grid: (tint, text colour) per kind of mark. Tints are
# light Okabe-Ito shades (the words carry the meaning; colour only repeats it).
RATING_TINTS = {"pressure": "#F5C9A8", "watch": "#FBE3B0", "fine": "#BFE3D6", "none": "#EEEEEE"}


def rating_grid(frame: pd.DataFrame, rows: str, columns: list[str], tones: dict[str, str], title: str) -> dict:
    """A grid of words: one row per ``rows`` value, one column per criterion column, each cell the
    mark's text on a tint that repeats its tone (``tones`` maps a mark to pressure / watch / fine /
    none). Pure: a frame in, a figure out; the table twin lists the same marks with their rules."""
    if frame.empty:
        return empty("No data for this selection")
    tone_code = {"pressure": 0, "watch": 1, "fine": 2, "none": 3}
    z = [[tone_code[tones.get(frame.iloc[i][c], "none")] for c in columns] for i in range(len(frame))]
    text = [[wrap(frame.iloc[i][c], 16) for c in columns] for i in range(len(frame))]
    scale = [[0.0, RATING_TINTS["pressure"]], [0.25, RATING_TINTS["pressure"]], [0.25, RATING_TINTS["watch"]],
             [0.5, RATING_TINTS["watch"]], [0.5, RATING_TINTS["fine"]], [0.75, RATING_TINTS["fine"]],
             [0.75, RATING_TINTS["none"]], [1.0, RATING_TINTS["none"]]]
    y = [wrap(v, 24) for v in frame[rows]]
    x = [c.replace("_mark", "").replace("_", " ").capitalize() for c in columns]
    fig = go.Figure(go.Heatmap(z=z, x=x, y=y, text=text, texttemplate="%{text}", zmin=0, zmax=3,
                               colorscale=scale, showscale=False, xgap=3, ygap=3, hoverinfo="text",
                               textfont=dict(size=12, color="#0b0c0c")))
    fig.update_yaxes(autorange="reversed")
    return _base(fig, title, height=max(450, 90 + 62 * len(frame)), xaxis={"side": "top"})


def timeline(frame: pd.DataFrame, label: str, start: str, end: str, value: str, title: str, *,
             group: str | None = None) -> dict:
    """Contracts as bars from start to end date, one row each, soonest ending at the top, each
    labelled with its annual value (outside the bar, dark on white, never over a pattern);
    ``group`` colours and names them (legend, so never colour alone)."""
    if frame.empty:
        return empty("No contracts for this selection")
    frame = frame.reset_index(drop=True)
    fig = go.Figure()
    names = frame[group].fillna("Across client groups") if group else pd.Series(["Contracts"] * len(frame))
    rows = [wrap(t, 26) for t in frame[label]]  # names on lines that fit beside the bars on a phone
    for i, name in enumerate(dict.fromkeys(names)):
        part = frame[names == name]
        s, e = pd.to_datetime(part[start]), pd.to_datetime(part[end])
        fig.add_trace(go.Bar(
            y=[rows[j] for j in part.index], x=(e - s).dt.total_seconds() * 1000, base=s.dt.strftime("%Y-%m-%d"),
            orientation="h", name=str(name), marker=dict(color=OKABE_ITO[i % 8]),
            text=[f"{fmt_money(v)} a year" if pd.notna(v) else "" for v in part[value]], textposition="outside",
            textfont=dict(color="#0b0c0c"), cliponaxis=False,
            hovertext=[f"{t}: ends {d:%d %b %Y}" for t, d in zip(part[label], e)], hoverinfo="text"))
    # Every row as tall as the longest name's lines (plotly spaces categories evenly): three-line
    # names overlapped their neighbours on a phone at 46 px a row.
    lines = max(r.count("<br>") + 1 for r in rows)
    height = max(300, max(46, TIMELINE_LINE * lines + 14) * len(frame) + 170)
    return _base(fig, title, "", "Contract period",
                 xaxis={"type": "date"},
                 yaxis={"autorange": "reversed", "categoryorder": "array", "categoryarray": rows},
                 height=height, margin={"l": 60, "r": 110, "t": 60, "b": 80},
                 legend={"orientation": "h", "y": -110 / height, "yanchor": "top"}, barmode="overlay")


TIMELINE_LINE = 18  # px a line of a contract's name takes at the 14 px font


def money(value) -> str:
    """Pounds as a reader says them, by the one money rule (`domain.labels.fmt_money`): £m to one
    decimal place from £1m (£268.0m), £k to the nearest thousand below it (£40k), pounds below
    £1,000, half up."""
    return fmt_money(value)


def _money_tick(v: float) -> str:
    return f"£{v / 1e9:g}bn" if v >= 1e9 else f"£{v / 1e6:g}m" if v >= 1e6 else f"£{v / 1e3:g}k" if v >= 1e3 else f"£{v:g}"


MONEY_ROUNDING = "Amounts of £1m or more are rounded to £0.1m; smaller amounts to the nearest £1k."


def money_bars(frame: pd.DataFrame, label: str, value: str, title: str) -> dict:
    """Amounts of very different size (a £268m budget beside a £40k grant) as horizontal bars on a
    logarithmic axis with £ tick labels, each bar labelled with its amount, so the small ones can
    be read at all; the axis title says the scale is logarithmic."""
    f = frame[pd.to_numeric(frame[value], errors="coerce") > 0]
    if f.empty:
        return empty("No data for this selection")
    fig = go.Figure(go.Bar(x=f[value], y=f[label].map(wrap), orientation="h", hovertext=f[label],
                           marker=dict(color=OKABE_ITO[0]), text=f[value].map(money), textposition="outside",
                           textfont=dict(color="#0b0c0c"), cliponaxis=False))
    lo, hi = float(f[value].min()), float(f[value].max())
    ticks = [10 ** p for p in range(int(math.floor(math.log10(lo))), int(math.ceil(math.log10(hi))) + 2)]
    lines = f[label].map(lambda t: wrap(t).count("<br>") + 1).max()
    return _base(fig, title, "", "£ (logarithmic scale: each gridline is ten times the one before)",
                 height=max(300, 160 + max(28, 16 * lines) * len(f)),
                 xaxis={"type": "log", "tickvals": ticks, "ticktext": [_money_tick(t) for t in ticks],
                        "range": [math.log10(ticks[0]), math.log10(hi) + 0.6]},
                 yaxis={"autorange": "reversed"}, margin={"l": 60, "r": 64, "t": 60, "b": 60})  # room for "£268.0m"


def homes_and_beds(frame: pd.DataFrame, group: str, title: str) -> dict:
    """Care homes and beds side by side in two panels, each with its own axis: a count of homes
    and a count of beds are different units and never share one."""
    if frame.empty:
        return empty("No data for this selection")
    from plotly.subplots import make_subplots
    fig = make_subplots(rows=1, cols=2, shared_yaxes=True, horizontal_spacing=0.08,
                        subplot_titles=("Care homes (number)", "Beds (number)"))
    labels = frame[group].map(wrap)
    for col, (measure, colour) in enumerate((("homes", OKABE_ITO[0]), ("beds", OKABE_ITO[1])), start=1):
        values = frame[measure]
        fig.add_trace(go.Bar(x=values, y=labels, orientation="h", name=measure.capitalize(), hovertext=frame[group],
                             marker=dict(color=colour), text=values.map(lambda v: f"{v:,.0f}"),
                             textposition="outside", textfont=dict(color="#0b0c0c"), cliponaxis=False),
                      row=1, col=col)
        fig.update_xaxes(range=[0, float(values.max() or 1) * 1.2], row=1, col=col)
    out = fig.to_plotly_json()
    lines = frame[group].map(lambda t: wrap(t).count("<br>") + 1).max()
    return _base(go.Figure(out), title, height=max(300, 180 + max(28, 16 * lines) * len(frame)),
                 showlegend=False, annotations=out["layout"].get("annotations", []),
                 yaxis={"autorange": "reversed"}, margin={"l": 60, "r": 40, "t": 90, "b": 50})
