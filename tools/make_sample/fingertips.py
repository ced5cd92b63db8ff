"""OHID Fingertips data CSVs for Lewisham, London and England (27-column and older 26-column).

`fingertips_lewisham_indicators.csv`: the current 27-column header (docs/formats.md s2), headline rows
for Lewisham (`Districts & UAs (from Apr 2021)`), London (`Region`) and England (`England`), a few
inequality-breakdown rows (non-blank `Category Type`), and one England row repeated verbatim, as
the publisher's downloads sometimes do (the loader must drop it).
`fingertips_older_export.csv`: the older 26-column header (no `Time period range`).
Comparisons (`Better|Similar|Worse|Higher|Lower|Not compared`) are computed from the 95% CIs.
"""
from __future__ import annotations

import csv
import math
from pathlib import Path

from . import common as C
from . import ipc

HEADER = ["Indicator ID", "Indicator Name", "Parent Code", "Parent Name", "Area Code",
          "Area Name", "Area Type", "Sex", "Age", "Category Type", "Category", "Time period",
          "Value", "Lower CI 95.0 limit", "Upper CI 95.0 limit", "Lower CI 99.8 limit",
          "Upper CI 99.8 limit", "Count", "Denominator", "Value note", "Recent Trend",
          "Compared to England value or percentiles", "Compared to Region value or percentiles",
          "Time period Sortable", "New data", "Compared to goal", "Time period range"]
OLD_HEADER = [h for h in HEADER if h != "Time period range"]

LA_TYPE = "Districts & UAs (from Apr 2021)"
AREA_ROWS = {
    "Lewisham": ("E09000023", LA_TYPE, "E12000007", "London region"),
    "London region": ("E12000007", "Region", "E92000001", "England"),
    "England": ("E92000001", "England", "", ""),
}
Z95, Z998 = 1.959964, 3.090232

# Indicator metadata: name, age, polarity ("low" good, "high" good, None = no judgement), kind.
IND = {
    93764: ("Admission episodes for alcohol-related conditions (Narrow): Old Method", "All ages", "low", "rate"),
    91414: ("Admission episodes for alcohol-related conditions (Narrow)", "All ages", "low", "rate"),
    92949: ("Estimated dementia diagnosis rate (aged 65 and over)", "65+ yrs", "high", "pct"),
    247: ("Dementia: QOF prevalence (all ages)", "All ages", None, "pct"),
    22401: ("Emergency hospital admissions due to falls in people aged 65 and over", "65+ yrs", "low", "rate"),
    41401: ("Hip fractures in people aged 65 and over", "65+ yrs", "low", "rate"),
    90366: ("Life expectancy at birth", "All ages", "high", "le"),
    92443: ("Smoking Prevalence in adults (18+) - current smokers (APS)", "18+ yrs", "low", "survey"),
    1164: ("Adults with physical disabilities supported throughout the year, per 100,000", "18-64 yrs", None, "rate"),
    1165: ("Adults with learning disabilities supported throughout the year, per 100,000", "18-64 yrs", None, "rate"),
    1166: ("Adults with mental health problems supported throughout the year, per 100,000", "18-64 yrs", None, "rate"),
}


def _pop(area: str, year: int, lo: int, hi: int = 90) -> int:
    return int(C.snpp()[area]["persons"][year][lo:hi + 1].sum())


def _sortable(period: str) -> str:
    return f"{int(period[:4])}0000"


def _range(period: str) -> str:
    if " - " in period:
        a, b = period.split(" - ")
        return f"{int(b) - int(a[2:]) + 1}y"
    return "1y"


def _ci(kind: str, value: float, count, denom, n=None):
    """(lo95, hi95, lo998, hi998) by a method fitting the kind of value."""
    out = []
    for z in (Z95, Z998):
        if kind == "pct":                          # Wilson score, value in per cent
            p = count / denom
            centre = (p + z * z / (2 * denom)) / (1 + z * z / denom)
            half = z * math.sqrt(p * (1 - p) / denom + z * z / (4 * denom ** 2)) / (1 + z * z / denom)
            out += [100 * (centre - half), 100 * (centre + half)]
        elif kind == "rate":                        # Byar's method on the count, scaled to the rate
            o = count
            lo = o * (1 - 1 / (9 * o) - z / (3 * math.sqrt(o))) ** 3
            hi = (o + 1) * (1 - 1 / (9 * (o + 1)) + z / (3 * math.sqrt(o + 1))) ** 3
            out += [value * lo / o, value * hi / o]
        elif kind == "survey":                      # survey proportion with n respondents
            se = math.sqrt(value / 100 * (1 - value / 100) / n) * 100
            out += [value - z * se, value + z * se]
        else:                                       # life expectancy: standard error given as n
            out += [value - z * n, value + z * n]
    return out[0], out[1], out[2], out[3]


def _compare(value, lo, hi, other, polarity) -> str:
    if other is None:
        return "Not compared"
    if lo <= other <= hi:
        return "Similar"
    higher = value > other
    if polarity is None:
        return "Higher" if higher else "Lower"
    good = higher if polarity == "high" else not higher
    return "Better" if good else "Worse"


def _fmt(x, nd=6):
    if x is None or x == "":
        return ""
    if isinstance(x, int):
        return str(x)
    return f"{x:.{nd}f}".rstrip("0").rstrip(".")


# Each entry: (indicator, period, sex, {area: (value, count, denominator, n_or_se)}, trend)
def _data():
    dem = {a: sum(ipc.dementia(a)["persons"][2017]) for a in C.AREAS}
    lon_dx = round(dem["London"] * 0.700)
    eng_dx = round(dem["England"] * 0.675)
    l64_16 = _pop("Lewisham", 2016, 18, 64)
    lon64_16 = _pop("London", 2016, 18, 64)
    eng64_16 = _pop("England", 2016, 18, 64)

    def rate(count, denom, per=100_000):
        return count / denom * per

    rows = [
        # Alcohol-related admissions (narrow), DSR per 100,000: seed 000 s3.5.2 (EXACT values).
        (93764, "2015/16", "Persons", {
            "Lewisham": (146.1, 421, _pop("Lewisham", 2015, 0), None),
            "London": (132.6, 11_230, _pop("London", 2015, 0), None),
            "England": (141.5, 78_610, _pop("England", 2015, 0), None)}, "No significant change"),
        (93764, "2014/15", "Persons", {
            "Lewisham": (139.4, 397, _pop("Lewisham", 2014, 0), None),
            "London": (130.9, 10_950, _pop("London", 2014, 0), None),
            "England": (140.8, 77_560, _pop("England", 2014, 0), None)}, "No significant change"),
        # Dementia diagnosis rate: seed 000 s3.2.1 (1,330 diagnosed of 1,800 estimated; 74%).
        (92949, "2017", "Persons", {
            "Lewisham": (73.9, 1330, dem["Lewisham"], None),
            "London": (round(100 * lon_dx / dem["London"], 1), lon_dx, dem["London"], None),
            "England": (round(100 * eng_dx / dem["England"], 1), eng_dx, dem["England"], None)},
         "Cannot be calculated"),
        # Dementia QOF prevalence, % of registered patients, all ages (illustrative).
        (247, "2016/17", "Persons", {
            "Lewisham": (None, 1_398, 318_552, None),
            "London": (None, 46_517, 9_704_270, None),
            "England": (None, 450_226, 58_879_980, None)}, "Increasing"),
        (247, "2015/16", "Persons", {
            "Lewisham": (None, 1_352, 314_904, None),
            "London": (None, 45_132, 9_553_470, None),
            "England": (None, 437_917, 58_311_440, None)}, "Increasing"),
        # Falls 65+, DSR per 100,000: Lewisham 2012/13 = 3,367 from seed 001 (JCI 2015-17 s4.1).
        (22401, "2012/13", "Persons", {
            "Lewisham": (3367.0, 842, _pop("Lewisham", 2012, 65), None),
            "London": (2260.4, 21_540, _pop("London", 2012, 65), None),
            "England": (2011.1, 185_640, _pop("England", 2012, 65), None)}, "Cannot be calculated"),
        (22401, "2015/16", "Persons", {
            "Lewisham": (2712.3, 701, _pop("Lewisham", 2015, 65), None),
            "London": (2199.2, 22_410, _pop("London", 2015, 65), None),
            "England": (2169.4, 210_280, _pop("England", 2015, 65), None)}, "No significant change"),
        (41401, "2015/16", "Persons", {
            "Lewisham": (561.2, 139, _pop("Lewisham", 2015, 65), None),
            "London": (541.0, 5_420, _pop("London", 2015, 65), None),
            "England": (589.4, 58_120, _pop("England", 2015, 65), None)}, "No significant change"),
        # Life expectancy at birth: Lewisham 2008-10 male 78.8, female 81.3 from seed 001 s4.1.
        (90366, "2008 - 10", "Male", {
            "Lewisham": (78.8, None, None, 0.21), "London": (79.0, None, None, 0.04),
            "England": (78.9, None, None, 0.02)}, ""),
        (90366, "2008 - 10", "Female", {
            "Lewisham": (81.3, None, None, 0.20), "London": (83.1, None, None, 0.04),
            "England": (82.7, None, None, 0.02)}, ""),
        (90366, "2013 - 15", "Male", {
            "Lewisham": (78.9, None, None, 0.21), "London": (80.3, None, None, 0.04),
            "England": (79.5, None, None, 0.02)}, ""),
        (90366, "2013 - 15", "Female", {
            "Lewisham": (83.0, None, None, 0.19), "London": (84.2, None, None, 0.04),
            "England": (83.1, None, None, 0.02)}, ""),
        # Smoking prevalence 18+: Lewisham 2012 = 21% from seed 001 s4.1 ("A fifth (21%)").
        (92443, "2012", "Persons", {
            "Lewisham": (21.0, 49_330, _pop("Lewisham", 2012, 18), 880),
            "London": (18.2, 1_170_420, _pop("London", 2012, 18), 24_100),
            "England": (19.3, 8_030_150, _pop("England", 2012, 18), 160_400)}, ""),
        (92443, "2016", "Persons", {
            "Lewisham": (17.4, 41_910, _pop("Lewisham", 2016, 18), 860),
            "London": (15.2, 1_016_530, _pop("London", 2016, 18), 23_600),
            "England": (15.5, 6_670_900, _pop("England", 2016, 18), 152_900)},
         "Decreasing"),
        # Adults supported per 100,000 aged 18-64, 2016/17: LD count 755 from seed 000 s3.3.
        (1165, "2016/17", "Persons", {
            "Lewisham": (None, 755, l64_16, None),
            "London": (None, 18_980, lon64_16, None),
            "England": (None, 131_210, eng64_16, None)}, ""),
        (1164, "2016/17", "Persons", {
            "Lewisham": (None, 1_610, l64_16, None),
            "London": (None, 36_410, lon64_16, None),
            "England": (None, 213_870, eng64_16, None)}, ""),
        (1166, "2016/17", "Persons", {
            "Lewisham": (None, 690, l64_16, None),
            "London": (None, 16_740, lon64_16, None),
            "England": (None, 89_440, eng64_16, None)}, ""),
    ]
    # Fill in values computed from count/denominator.
    filled = []
    for ind, period, sex, areas, trend in rows:
        kind = IND[ind][3]
        new = {}
        for a, (v, cnt, den, extra) in areas.items():
            if v is None:
                v = 100 * cnt / den if kind == "pct" else rate(cnt, den)
            new[a] = (v, cnt, den, extra)
        filled.append((ind, period, sex, new, trend))
    return filled


def _row(ind, period, sex, area, v, cnt, den, extra, trend, eng_v, reg_v,
         category_type="", category="") -> dict:
    name, age, polarity, kind = IND[ind]
    display = "London region" if area == "London" else area
    code, area_type, pcode, pname = AREA_ROWS[display]
    if kind == "survey":
        lo, hi, lo9, hi9 = _ci(kind, v, cnt, den, extra)
        cnt_out, den_out = cnt, den
    elif kind == "le":
        lo, hi, lo9, hi9 = _ci(kind, v, cnt, den, extra)
        cnt_out, den_out = "", ""
    else:
        lo, hi, lo9, hi9 = _ci(kind, v, cnt, den)
        cnt_out, den_out = cnt, den
    return {
        "Indicator ID": ind, "Indicator Name": name, "Parent Code": pcode, "Parent Name": pname,
        "Area Code": code, "Area Name": display, "Area Type": area_type, "Sex": sex, "Age": age,
        "Category Type": category_type, "Category": category, "Time period": period,
        "Value": _fmt(v), "Lower CI 95.0 limit": _fmt(lo), "Upper CI 95.0 limit": _fmt(hi),
        "Lower CI 99.8 limit": _fmt(lo9), "Upper CI 99.8 limit": _fmt(hi9),
        "Count": _fmt(cnt_out), "Denominator": _fmt(den_out), "Value note": "",
        "Recent Trend": trend if not category_type else "",
        "Compared to England value or percentiles":
            _compare(v, lo, hi, eng_v, polarity) if area != "England" else "Not compared",
        "Compared to Region value or percentiles":
            _compare(v, lo, hi, reg_v, polarity) if area == "Lewisham" else "Not compared",
        "Time period Sortable": _sortable(period), "New data": "", "Compared to goal": "",
        "Time period range": _range(period),
    }


def rows() -> list[dict]:
    out = []
    for ind, period, sex, areas, trend in _data():
        eng_v, reg_v = areas["England"][0], areas["London"][0]
        for area in ("England", "London", "Lewisham"):
            v, cnt, den, extra = areas[area]
            out.append(_row(ind, period, sex, area, v, cnt, den, extra, trend, eng_v, reg_v))
        if ind == 93764 and period == "2015/16":
            # Inequality breakdown rows (illustrative): deprivation deciles within Lewisham.
            cat = "LSOA11 deprivation deciles within area (IMD2015)"
            for label, v, cnt, den in [("Most deprived decile (IMD2015)", 212.4, 61, 30_120),
                                       ("Least deprived decile (IMD2015)", 98.7, 27, 30_880)]:
                out.append(_row(ind, period, sex, "Lewisham", v, cnt, den, None, "", eng_v, reg_v,
                                category_type=cat, category=label))
        if ind == 90366 and period == "2013 - 15":
            cat = "LSOA11 deprivation deciles within area (IMD2015)"
            for label, v in [("Most deprived decile (IMD2015)", 76.4 if sex == "Male" else 81.1),
                             ("Least deprived decile (IMD2015)", 83.0 if sex == "Male" else 87.7)]:
                out.append(_row(ind, period, sex, "Lewisham", v, None, None, 0.9, "", eng_v, reg_v,
                                category_type=cat, category=label))
    # The publisher sometimes repeats the England row verbatim: the loader must drop it.
    dup = next(r for r in out if r["Indicator ID"] == 92949 and r["Area Code"] == "E92000001")
    out.append(dict(dup))
    return out


def older_rows() -> list[dict]:
    """Older export (26 columns): 91414 alcohol admissions (narrow, older method) 2014/15 and
    life expectancy 2012 - 14 (illustrative)."""
    data = [
        (91414, "2014/15", "Persons", {
            "Lewisham": (601.3, 1_702, _pop("Lewisham", 2014, 0), None),
            "London": (541.6, 44_380, _pop("London", 2014, 0), None),
            "England": (640.7, 353_780, _pop("England", 2014, 0), None)}, "No significant change"),
        (90366, "2012 - 14", "Male", {
            "Lewisham": (78.7, None, None, 0.21), "London": (80.0, None, None, 0.04),
            "England": (79.4, None, None, 0.02)}, ""),
        (90366, "2012 - 14", "Female", {
            "Lewisham": (82.8, None, None, 0.19), "London": (84.1, None, None, 0.04),
            "England": (83.1, None, None, 0.02)}, ""),
    ]
    out = []
    for ind, period, sex, areas, trend in data:
        eng_v, reg_v = areas["England"][0], areas["London"][0]
        for area in ("England", "London", "Lewisham"):
            v, cnt, den, extra = areas[area]
            r = _row(ind, period, sex, area, v, cnt, den, extra, trend, eng_v, reg_v)
            r.pop("Time period range")
            out.append(r)
    return out


def _write(path: Path, header: list[str], rows_: list[dict]) -> Path:
    with path.open("w", newline="", encoding="utf-8-sig") as fh:
        w = csv.DictWriter(fh, fieldnames=header)
        w.writeheader()
        w.writerows(rows_)
    return path


def write(out_dir: Path) -> list[Path]:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    files = [_write(out_dir / "fingertips_lewisham_indicators.csv", HEADER, rows()),
             _write(out_dir / "fingertips_older_export.csv", OLD_HEADER, older_rows())]
    (Path(__file__).parent / "readme_fingertips.md").write_text(readme(), encoding="utf-8")
    return files


def readme() -> str:
    return "\n".join([
        "## Fingertips indicator CSVs (`tools/make_sample/fingertips.py`)",
        "",
        "### `fingertips_lewisham_indicators.csv`",
        "The current 27-column Fingertips header (docs/formats.md s2; column 23 `Compared to Region "
        "value or percentiles`), UTF-8 with BOM. Areas: Lewisham `E09000023` (Area Type "
        f"`{LA_TYPE}`, parent `London region`), `London region` `E12000007` (`Region`), England `E92000001` "
        "(`England`). CIs: Wilson score for percentages, Byar's method for rates, survey "
        "standard errors for smoking, given standard errors for life expectancy. `Compared to "
        "England` / `Compared to Region` follow from whether the comparator lies inside the 95% "
        "CI (`Better`/`Worse` where the indicator has a polarity, `Higher`/`Lower` where not; "
        "`Not compared` for England, and for London's region comparison). `Time period Sortable` "
        "like `20150000`; `Time period range` `1y` or `3y`; `New data` and `Compared to goal` blank.",
        "",
        "From the seeds:",
        "- 93764 `Admission episodes for alcohol-related conditions (Narrow): Old Method`, 2015/16, "
        "per 100,000: Lewisham 146.1, London 132.6, England 141.5 (seed 000 s3.5.2: \"146.1 per "
        "100,000 population - higher than the London average of 132.6 but nearer the England "
        "average of 141.5\"). Counts are illustrative.",
        "- 92949 `Estimated dementia diagnosis rate (aged 65 and over)`, 2017: Lewisham 73.9 = "
        "Count 1330 / Denominator 1800 (seed 000 s3.2.1: \"around 1,330 people diagnosed\", "
        "\"around 1,800 people over the age of 65 living with dementia\", \"diagnosis rate of "
        "74%\"). London and England denominators are the POPPI sample's 2017 dementia totals; "
        "their rates (70.0, 67.5) are illustrative.",
        "- 22401 emergency admissions due to falls 65+, 2012/13: Lewisham 3367 per 100,000, "
        "`Worse` than England (seed 001 s4.1: \"significantly higher in Lewisham than the England "
        "average, at 3,367 per 100,000 in 2012/13\").",
        "- 90366 life expectancy at birth, 2008 - 10: Lewisham Male 78.8, Female 81.3 (seed 001 "
        "s4.1). The England and London values for 2008 - 10 are illustrative and were chosen to "
        "agree with the seed's \"for both men and women life expectancy remains lower than the "
        "England average\" (England male 78.9, female 82.7; the published England male figure "
        "was lower).",
        "- 92443 smoking prevalence 18+, 2012: Lewisham 21.0 (seed 001 s4.1: \"A fifth (21%) of "
        "Lewisham population smoke, which is more than the national average\").",
        "- 1165 adults with learning disabilities supported per 100,000 aged 18-64, 2016/17: "
        "Count 755 (seed 000 s3.3: \"755 people with a learning disability are receiving "
        "services\"); denominator the sample SNPP 18-64 population for 2016.",
        "",
        "Illustrative: every other row (247 dementia QOF prevalence 2015/16 and 2016/17; 22401 "
        "for 2015/16; 41401 hip fractures 2015/16; 90366 for 2013 - 15; 92443 for 2016; 1164 and "
        "1166; 93764 for 2014/15), the inequality breakdown rows (`Category Type` `LSOA11 "
        "deprivation deciles within area (IMD2015)`, categories `Most deprived decile (IMD2015)` "
        "and `Least deprived decile (IMD2015)`, for 93764 2015/16 and 90366 2013 - 15), and the "
        "repeated England row (92949, 2017, written twice verbatim at the end: the loader must "
        "drop the duplicate).",
        "",
        "### `fingertips_older_export.csv`",
        "The older 26-column header (no `Time period range`), same column 23 name. Rows "
        "(illustrative): 91414 `Admission episodes for alcohol-related conditions (Narrow)` "
        "2014/15 and 90366 life expectancy 2012 - 14, for Lewisham, London and England.",
        "",
        "Not reproduced: seed 001's \"Lewisham is only identifying 52.9% of people with "
        "dementia\" (an older diagnosis-rate measure whose Fingertips indicator ID we could not "
        "confirm), and the 1991-93 life expectancies (72.3 / 76.7; Fingertips does not go back "
        "that far).",
        "",
    ])
