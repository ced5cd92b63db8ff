"""POPPI (65+) and PANSI (18-64) table exports for Lewisham around 2017 (plus London, England).

Layout of every table (the loader `loaders/ipc_projections.py` parses exactly this):
    row 1  title        e.g. "People aged 65 and over predicted to have dementia, by age and gender, projected to 2035"
    row 2  area name    "Lewisham" | "London" | "England"
    row 3  blank
    row 4  header       blank cell, then years 2017 2020 2025 2030 2035 (ints in xlsx/ods, text in csv/html)
    label rows          "People aged 65-69 predicted to have dementia" ... "Total population aged 65 and over ..."
    [blank, Males block + "Total males aged ...", blank, Females block + "Total females aged ..."]
    blank, footnotes    "Figures may not sum due to rounding.", prevalence source, "POPPI v11.0 April 2017",
                        "Crown copyright 2017"
Band rows sum exactly to the total row, and males + females = persons for every band and year.
"""
from __future__ import annotations

import csv
import html
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook

from . import common as C

YEARS = C.IPC_YEARS
POPPI_VERSION = "POPPI v11.0 April 2017"
PANSI_VERSION = "PANSI v9.0 April 2017"
COPYRIGHT = "Crown copyright 2017"
NOT_SUM = "Figures may not sum due to rounding."

# ------------------------------------------------------------------ prevalence rates (per cent)
# POPPI dementia, Dementia UK: Update (2014), male / female (docs/formats.md s1). POPPI blends 90-94 and
# 95+ into one 90+ rate: weighted 3:1 (male) and 7:3 (female) towards 90-94.
DEMENTIA_RATES = {
    "male": [1.5, 3.1, 5.3, 10.3, 15.1, 0.75 * 22.6 + 0.25 * 28.8],
    "female": [1.8, 3.0, 6.6, 11.7, 20.2, 0.70 * 33.0 + 0.30 * 44.2],
}
# PANSI age gradients (18-24, 25-34, 35-44, 45-54, 55-64), illustrative approximations of the
# published sources named in the footnotes; every 2017 and 2020 Lewisham total is then pinned to
# the seed figure, so only the shape across age bands comes from these.
PANSI_MEASURES = {
    # key: (stem, title stem, rates male, rates female, source, targets {year: total}, sheet/table)
    "ld": dict(stem="predicted to have a learning disability",
               male=[0.77, 0.67, 0.60, 0.55, 0.45], female=[0.57, 0.50, 0.47, 0.43, 0.35],
               source="Prevalence rates from Emerson, E. and Hatton, C. (2004) Estimating Future "
                      "Need/Demand for Supports for Adults with Learning Disabilities in England",
               targets={2017: 1120, 2020: 1190}, seed="s3.3"),
    "ld_parent": dict(stem="predicted to have a learning disability and be living with a parent",
                      male=[0.42, 0.25, 0.17, 0.11, 0.05], female=[0.32, 0.19, 0.13, 0.08, 0.04],
                      source="Prevalence rates from Emerson, E. and Hatton, C. (2004) Estimating "
                             "Future Need/Demand for Supports for Adults with Learning "
                             "Disabilities in England",
                      targets={2017: 450, 2020: 470}, seed="s3.3"),
    "pd_moderate": dict(stem="predicted to have a moderate physical disability",
                        male=[1.8, 2.9, 5.0, 8.6, 12.5], female=[2.2, 3.3, 5.2, 9.8, 14.0],
                        source="Prevalence rates from the Health Survey for England 2001",
                        targets={2017: 14375, 2020: 15200}, seed="s3.4"),
    "pd_serious": dict(stem="predicted to have a serious physical disability",
                       male=[0.5, 0.8, 1.3, 2.6, 4.6], female=[0.6, 0.9, 1.5, 2.8, 4.8],
                       source="Prevalence rates from the Health Survey for England 2001",
                       targets={2017: 3970, 2020: 4300}, seed="s3.4"),
    "visual": dict(stem="predicted to have a serious visual impairment",
                   male=[0.06, 0.06, 0.06, 0.065, 0.075], female=[0.06, 0.06, 0.06, 0.065, 0.075],
                   source="Prevalence rates from RNIB, Future Sight Loss UK (2009)",
                   targets={2017: 135, 2020: 140}, seed="s3.4"),
    "hearing_modsev": dict(stem="predicted to have a moderate or severe hearing impairment",
                           male=[1.0, 1.4, 2.2, 5.0, 10.8], female=[0.8, 1.2, 1.8, 4.0, 8.8],
                           source="Prevalence rates from Davis, A. (1995) Hearing in Adults",
                           targets={2017: 6400, 2020: 6800}, seed="s3.4"),
    "hearing_profound": dict(stem="predicted to have a profound hearing impairment",
                             male=[0.01, 0.01, 0.02, 0.03, 0.06],
                             female=[0.01, 0.01, 0.02, 0.03, 0.06],
                             source="Prevalence rates from Davis, A. (1995) Hearing in Adults",
                             targets={2017: 50, 2020: 55}, seed="s3.4"),
    "cmd": dict(stem="predicted to have a common mental disorder",
                male=[12.5, 13.5, 14.5, 14.0, 11.0], female=[20.5, 22.0, 22.5, 22.0, 17.0],
                source="Prevalence rates from Adult Psychiatric Morbidity in England, 2007 "
                       "(NHS Information Centre, 2009)",
                targets={2017: 36230}, seed="s3.5.1, approximate: 'over 36,000' aged 16-74"),
    "psychotic": dict(stem="predicted to have a psychotic disorder",
                      male=[0.3, 0.4, 0.45, 0.45, 0.3], female=[0.3, 0.4, 0.45, 0.45, 0.3],
                      source="Prevalence rates from Adult Psychiatric Morbidity in England, 2007 "
                             "(NHS Information Centre, 2009)",
                      targets={2017: 820, 2020: 850}, seed="s3.5.1"),
    "two_plus": dict(stem="predicted to have two or more psychiatric disorders",
                     male=[7.0, 6.5, 6.3, 6.0, 4.3], female=[9.0, 8.5, 8.3, 8.0, 5.7],
                     source="Prevalence rates from Adult Psychiatric Morbidity in England, 2007 "
                            "(NHS Information Centre, 2009)",
                     targets={2017: 14800, 2020: 15300}, seed="s3.5.1"),
    "alcohol": dict(stem="predicted to be dependent on alcohol",
                    male=[12.5, 10.0, 7.5, 6.5, 4.0], female=[6.5, 5.0, 3.5, 3.0, 2.0],
                    source="Prevalence rates from Adult Psychiatric Morbidity in England, 2007 "
                           "(NHS Information Centre, 2009)",
                    targets={2017: 12200, 2020: 12700}, seed="s3.5.2"),
    "drugs": dict(stem="predicted to be dependent on drugs",
                  male=[10.5, 6.0, 3.0, 1.6, 0.5], female=[5.5, 3.0, 1.4, 0.8, 0.3],
                  source="Prevalence rates from Adult Psychiatric Morbidity in England, 2007 "
                         "(NHS Information Centre, 2009)",
                  targets={2017: 6950, 2020: 7200}, seed="s3.5.2"),
}
# POPPI unpaid carers (2011 Census, table DC3303EW), per cent of each band.
CARER_BANDS = ["65-69", "70-74", "75-79", "80-84", "85 and over"]
CARER_RATES_ALL = [16.3, 13.9, 11.2, 8.6, 5.5]
CARER_RATES_50H = [3.6, 3.9, 4.6, 5.6, 4.2]
CARERS_65_2017 = 3380            # seed 000 s3.6
CARERS_50H_80PLUS_2017 = 370     # seed 000 s3.6 ("370 aged over 80 providing 50 or more hours")
DEMENTIA_TARGETS_2017 = {"Lewisham": 1800,   # seed 000 s3.2.1
                         "London": 72_140, "England": 676_310}   # illustrative ("~72,000", "~676,000")


# ------------------------------------------------------------------ numbers
def _pinned(raw: dict[int, list[float]], targets: dict[int, int]) -> dict[int, list[int]]:
    """Bands from raw (rate x population) bands, with totals pinned where targets are given.

    A pinned year's raw bands are apportioned (largest remainder) to the target. Unpinned years
    use the factor (target / raw total) of the latest pinned year before them, so the rates stay
    the same and the figures move with the population.
    """
    out: dict[int, list[int]] = {}
    factor = 1.0
    for y in YEARS:
        r = np.asarray(raw[y], dtype=float)
        if y in targets:
            factor = targets[y] / r.sum()
            out[y] = C.largest_remainder(r, targets[y])
        else:
            out[y] = C.largest_remainder(r, int(round(r.sum() * factor)))
    return out


def _split(persons: dict[int, list[int]], raw_m, raw_f) -> tuple[dict, dict]:
    males, females = {}, {}
    for y in YEARS:
        m = [int(round(p * rm / (rm + rf))) if rm + rf else 0
             for p, rm, rf in zip(persons[y], raw_m[y], raw_f[y])]
        males[y] = m
        females[y] = [p - mm for p, mm in zip(persons[y], m)]
    return males, females


def _raw(pop_by_sex, rates_m, rates_f):
    rm = {y: [p * r / 100 for p, r in zip(pop_by_sex["male"][y], rates_m)] for y in YEARS}
    rf = {y: [p * r / 100 for p, r in zip(pop_by_sex["female"][y], rates_f)] for y in YEARS}
    return rm, rf, {y: [a + b for a, b in zip(rm[y], rf[y])] for y in YEARS}


def dementia(area: str) -> dict[str, dict[int, list[int]]]:
    pop = C.ipc_population_by_sex(area, "POPPI")
    rm, rf, raw = _raw(pop, DEMENTIA_RATES["male"], DEMENTIA_RATES["female"])
    persons = _pinned(raw, {2017: DEMENTIA_TARGETS_2017[area]})
    males, females = _split(persons, rm, rf)
    return {"persons": persons, "male": males, "female": females}


def pansi(key: str) -> dict[str, dict[int, list[int]]]:
    spec = PANSI_MEASURES[key]
    pop = C.ipc_population_by_sex("Lewisham", "PANSI")
    rm, rf, raw = _raw(pop, spec["male"], spec["female"])
    persons = _pinned(raw, spec["targets"])
    males, females = _split(persons, rm, rf)
    return {"persons": persons, "male": males, "female": females}


def _carer_pop() -> dict[int, list[int]]:
    p = C.ipc_population("Lewisham", "POPPI")
    return {y: p[y][:4] + [p[y][4] + p[y][5]] for y in YEARS}


def carers_all() -> dict[int, list[int]]:
    pop = _carer_pop()
    raw = {y: [n * r / 100 for n, r in zip(pop[y], CARER_RATES_ALL)] for y in YEARS}
    return _pinned(raw, {2017: CARERS_65_2017})


def carers_50h() -> dict[int, list[int]]:
    pop = _carer_pop()
    raw = {y: [n * r / 100 for n, r in zip(pop[y], CARER_RATES_50H)] for y in YEARS}
    factor = CARERS_50H_80PLUS_2017 / sum(raw[2017][3:])
    out = {}
    for y in YEARS:
        scaled = [v * factor for v in raw[y]]
        if y == 2017:   # 80-84 + 85 and over pinned to the seed's 370
            out[y] = [int(round(v)) for v in scaled[:3]] + C.largest_remainder(scaled[3:], 370)
        else:
            out[y] = C.largest_remainder(scaled, int(round(sum(scaled))))
    return out


# ------------------------------------------------------------------ table layout
def _table(title: str, area: str, stem: str, bands: list[str], total_age: str, values: dict,
           source: str, version: str, numeric: bool = True, sexes: bool = False) -> list[list]:
    """Rows (lists of cells; None = blank) of one table in the POPPI/PANSI export layout."""
    def cell(v):
        return v if numeric else str(v)

    def lbl(who: str, band: str) -> str:
        return f"{who} aged {band} {stem}".strip()

    rows: list[list] = [[title], [area], [], [None] + [cell(y) for y in YEARS]]
    blocks = [("persons", "People", "Total population")]
    if sexes:
        blocks += [("male", "Males", "Total males"), ("female", "Females", "Total females")]
    for n, (sex, who, total_who) in enumerate(blocks):
        if n:
            rows.append([])
        v = values[sex]
        for i, band in enumerate(bands):
            rows.append([lbl(who, band)] + [cell(v[y][i]) for y in YEARS])
        rows.append([lbl(total_who, total_age)] + [cell(sum(v[y])) for y in YEARS])
    rows += [[], [NOT_SUM], [source], [version], [COPYRIGHT]]
    return rows


def _poppi_title(what: str, sexes: bool) -> str:
    by = "by age and gender" if sexes else "by age"
    return f"People aged 65 and over {what}, {by}, projected to 2035"


def _pansi_title(what: str, sexes: bool = False) -> str:
    by = "by age and gender" if sexes else "by age"
    return f"People aged 18-64 {what}, {by}, projected to 2035"


DEMENTIA_SOURCE = ("Prevalence rates from Dementia UK: Update (2014), Alzheimer's Society, "
                   "applied to ONS 2014-based subnational population projections")
POP_SOURCE_POPPI = ("Figures are taken from Office for National Statistics (ONS) subnational "
                    "population projections, 2014-based, rounded to the nearest 100")
CARERS_SOURCE = ("Prevalence rates from the 2011 Census, table DC3303EW Provision of unpaid care "
                 "by general health by sex by age")


def dementia_table(area: str, sexes: bool, numeric: bool = True) -> list[list]:
    return _table(_poppi_title("predicted to have dementia", sexes), area,
                  "predicted to have dementia", C.POPPI_BAND_LABELS, "65 and over", dementia(area),
                  DEMENTIA_SOURCE, POPPI_VERSION, numeric, sexes)


def pansi_table(key: str, numeric: bool = True, sexes: bool = False) -> list[list]:
    spec = PANSI_MEASURES[key]
    return _table(_pansi_title(spec["stem"], sexes), "Lewisham", spec["stem"],
                  C.PANSI_BAND_LABELS, "18-64", pansi(key), spec["source"], PANSI_VERSION,
                  numeric, sexes)


def tables() -> dict[str, list[list]]:
    """Every table, keyed by a short name (used by the writers and the self-test)."""
    t = {
        "dementia_lewisham": dementia_table("Lewisham", sexes=True),
        "dementia_london": dementia_table("London", sexes=False),
        "dementia_england": dementia_table("England", sexes=False),
        "poppi_population": _table("People aged 65 and over, by age, projected to 2035", "Lewisham",
                                   "", C.POPPI_BAND_LABELS, "65 and over",
                                   {"persons": C.ipc_population("Lewisham", "POPPI")},
                                   POP_SOURCE_POPPI, POPPI_VERSION, numeric=False),
        "carers_all": _table(_poppi_title("providing unpaid care", False), "Lewisham",
                             "providing unpaid care", CARER_BANDS, "65 and over",
                             {"persons": carers_all()}, CARERS_SOURCE, POPPI_VERSION),
        "carers_50h": _table(_poppi_title("providing 50 or more hours of unpaid care", False),
                             "Lewisham", "providing 50 or more hours of unpaid care", CARER_BANDS,
                             "65 and over", {"persons": carers_50h()}, CARERS_SOURCE,
                             POPPI_VERSION),
        "pansi_population": _table("People aged 18-64, by age, projected to 2035", "Lewisham", "",
                                   C.PANSI_BAND_LABELS, "18-64",
                                   {"persons": C.ipc_population("Lewisham", "PANSI")},
                                   POP_SOURCE_POPPI, PANSI_VERSION),
    }
    for key in PANSI_MEASURES:
        t[key] = pansi_table(key, numeric=key not in {"pd_moderate", "pd_serious"},
                             sexes=key == "ld")
    return t


# ------------------------------------------------------------------ writers
def _write_xlsx(path: Path, sheets: dict[str, list[list]]) -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
        ws.column_dimensions["A"].width = 80
    wb.save(path)
    C.normalise_zip(path)
    return path


def _write_ods(path: Path, sheets: dict[str, list[list]]) -> Path:
    with pd.ExcelWriter(path, engine="odf") as xw:
        for name, rows in sheets.items():
            width = max(len(r) for r in rows)
            frame = pd.DataFrame([r + [None] * (width - len(r)) for r in rows], dtype=object)
            frame.to_excel(xw, sheet_name=name, header=False, index=False)
    C.normalise_zip(path)
    return path


def _write_csv(path: Path, tables_: list[list[list]]) -> Path:
    width = len(YEARS) + 1
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        for n, rows in enumerate(tables_):
            if n:
                w.writerow([""] * width)
                w.writerow([""] * width)
            for r in rows:
                w.writerow(["" if c is None else c for c in r] + [""] * (width - len(r)))
    return path


def _write_html_xls(path: Path, rows: list[list]) -> Path:
    """A web-tool 'Excel' export: an HTML page holding one <table>, saved as .xls."""
    width = len(YEARS) + 1
    out = ['<html xmlns:o="urn:schemas-microsoft-com:office:office" '
           'xmlns:x="urn:schemas-microsoft-com:office:excel">',
           '<head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">',
           "<title>POPPI - Projecting Older People Population Information System</title></head>",
           "<body>", '<table border="1">']
    for r in rows:
        cells = []
        padded = list(r) + [None] * (width - len(r))
        is_data = len(r) > 1 and isinstance(r[0], str)
        for i, c in enumerate(padded):
            if c is None:
                cells.append("<td></td>")
            elif is_data and i > 0:
                cells.append(f'<td align="right">{int(c):,}</td>')
            else:
                cells.append(f"<td>{html.escape(str(c))}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out += ["</table>", "</body>", "</html>"]
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


def write(out_dir: Path) -> list[Path]:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    t = tables()
    files = [
        _write_xlsx(out_dir / "POPPI_Lewisham_dementia_2017.xlsx", {"Dementia": t["dementia_lewisham"]}),
        _write_xlsx(out_dir / "POPPI_London_dementia_2017.xlsx", {"Dementia": t["dementia_london"]}),
        _write_xlsx(out_dir / "POPPI_England_dementia_2017.xlsx", {"Dementia": t["dementia_england"]}),
        _write_html_xls(out_dir / "POPPI_Lewisham_population_2017.xls", t["poppi_population"]),
        _write_ods(out_dir / "POPPI_Lewisham_carers_2017.ods",
                   {"Unpaid carers": t["carers_all"], "Carers 50+ hours": t["carers_50h"]}),
        _write_xlsx(out_dir / "PANSI_Lewisham_population_2017.xlsx",
                    {"Population": t["pansi_population"]}),
        _write_xlsx(out_dir / "PANSI_Lewisham_learning_disability_2017.xlsx",
                    {"Learning disability": t["ld"], "Living with a parent": t["ld_parent"]}),
        _write_csv(out_dir / "PANSI_Lewisham_physical_disability_2017.csv",
                   [t["pd_moderate"], t["pd_serious"]]),
        _write_xlsx(out_dir / "PANSI_Lewisham_sensory_impairment_2017.xlsx",
                    {"Visual impairment": t["visual"], "Hearing impairment": t["hearing_modsev"],
                     "Profound hearing": t["hearing_profound"]}),
        _write_xlsx(out_dir / "PANSI_Lewisham_mental_health_2017.xlsx",
                    {"Common mental disorder": t["cmd"], "Psychotic disorder": t["psychotic"],
                     "Two or more disorders": t["two_plus"]}),
        _write_ods(out_dir / "PANSI_Lewisham_substance_misuse_2017.ods",
                   {"Alcohol dependence": t["alcohol"], "Drug dependence": t["drugs"]}),
    ]
    (Path(__file__).parent / "readme_ipc.md").write_text(readme(), encoding="utf-8")
    return files


def readme() -> str:
    d = dementia("Lewisham")["persons"]
    pop = C.ipc_population("Lewisham", "POPPI")
    c50 = carers_50h()
    lines = [
        "## POPPI and PANSI tables (`tools/make_sample/ipc.py`)",
        "",
        "Institute of Public Care projection tables for Lewisham as the 2017 Market Position "
        "Statement (seed 000) quotes them. Year columns 2017, 2020, 2025, 2030, 2035. Each table: "
        "title row, area row, blank row, year header row, `People aged <band> <measure>` rows, "
        "`Total population aged <65 and over|18-64> <measure>` row, optional `Males aged ...` / "
        "`Females aged ...` blocks with `Total males ...` / `Total females ...` rows, then the "
        f"footnotes `{NOT_SUM}`, a prevalence-source line, `{POPPI_VERSION}` or `{PANSI_VERSION}` "
        f"and `{COPYRIGHT}`. Band rows sum exactly to the total row; males + females = persons.",
        "",
        "How the numbers are made: the population bands come from `common.py` (the same population "
        "as the ONS SNPP sample files, rounded to the nearest 100); each measure's raw band values "
        "are prevalence rate x population; where the seed states a total, the raw bands are "
        "apportioned to it exactly (largest remainder), and later years keep the last pinned "
        "year's scaling, so they rise with the population. Population bands are rounded to 100 by "
        "largest remainder so they add up to the rounded total (for Lewisham 65+ in 2017 this is "
        "plain nearest-100 rounding).",
        "",
        "| file | from the seeds (seed 000) | from published rates | illustrative |",
        "|---|---|---|---|",
        f"| `POPPI_Lewisham_dementia_2017.xlsx` (sheet `Dementia`, by age and gender) | total 65+ "
        f"2017 = {sum(d[2017]):,} (s3.2.1: \"around 1,800 people over the age of 65 living with "
        "dementia\") | band shape and male/female split: Dementia UK: Update (2014) rates "
        "(docs/formats.md s1); the 90+ rate blends 90-94 and 95+ with assumed weights | years after 2017 (same scaling, growing "
        "population) |",
        "| `POPPI_London_dementia_2017.xlsx`, `POPPI_England_dementia_2017.xlsx` (by age) | none "
        f"| Dementia UK: Update (2014) rates x the sample London/England populations | totals "
        f"scaled to {DEMENTIA_TARGETS_2017['London']:,} and {DEMENTIA_TARGETS_2017['England']:,} "
        "in 2017 |",
        f"| `POPPI_Lewisham_population_2017.xls` (an HTML table saved as .xls; numbers are text, "
        f"with thousands commas) | total 65+ 2017 = {sum(pop[2017]):,} (s3.2: \"26,800 Lewisham "
        "residents aged 65 and over\") | ONS-style SNPP bands rounded to 100 | age structure, "
        "later years |",
        f"| `POPPI_Lewisham_carers_2017.ods` (sheets `Unpaid carers`, `Carers 50+ hours`) | all "
        f"carers 65+ 2017 = {sum(carers_all()[2017]):,}; 50+ hours aged 80-84 + 85 and over 2017 "
        f"= {sum(c50[2017][3:])} (s3.6: \"total 3,380, with an estimated 370 aged over 80 "
        "providing 50 or more hours\") | shape only: illustrative rates after the 2011 Census (DC3303EW), not the "
        "published POPPI rates | the other 50+ hours bands, later years |",
        "| `PANSI_Lewisham_population_2017.xlsx` | none (consistent with s3.1's 305,945 total) | "
        "SNPP bands rounded to 100 | age structure |",
    ]
    for fname, keys in [
        ("PANSI_Lewisham_learning_disability_2017.xlsx (sheets `Learning disability` by age and "
         "gender, `Living with a parent`)", ["ld", "ld_parent"]),
        ("PANSI_Lewisham_physical_disability_2017.csv (two tables one after another, numbers as "
         "text)", ["pd_moderate", "pd_serious"]),
        ("PANSI_Lewisham_sensory_impairment_2017.xlsx (sheets `Visual impairment`, `Hearing "
         "impairment`, `Profound hearing`)", ["visual", "hearing_modsev", "hearing_profound"]),
        ("PANSI_Lewisham_mental_health_2017.xlsx (sheets `Common mental disorder`, `Psychotic "
         "disorder`, `Two or more disorders`)", ["cmd", "psychotic", "two_plus"]),
        ("PANSI_Lewisham_substance_misuse_2017.ods (sheets `Alcohol dependence`, `Drug "
         "dependence`)", ["alcohol", "drugs"]),
    ]:
        seeds, rates = [], []
        for k in keys:
            spec = PANSI_MEASURES[k]
            v = pansi(k)["persons"]
            stated = ", ".join(f"{y}: {sum(v[y]):,}" for y in spec["targets"])
            seeds.append(f"`{spec['stem']}` {stated} (s{spec['seed'].lstrip('s')})")
            rates.append(spec["source"].replace("Prevalence rates from ", ""))
        lines.append(f"| `{fname.split(' ')[0]}` {' '.join(fname.split(' ')[1:])} | "
                     + "; ".join(seeds) + " | shape only: illustrative age gradients (not checked against the published PANSI rates) after "
                     + "; ".join(dict.fromkeys(rates)) + " | band split, later years"
                     + (" (common mental disorder 2017 total 36,230 is illustrative: the seed's 'over 36,000' is for ages 16-74, not 18-64)"
                        if "cmd" in keys else "") + " |")
    lines += [
        "",
        "Exact label wordings (measure text after the age band): `predicted to have dementia`, "
        "`providing unpaid care`, `providing 50 or more hours of unpaid care`, "
        + ", ".join(f"`{s['stem']}`" for s in PANSI_MEASURES.values())
        + "; population tables have no measure text (`People aged 65-69`, `Total population aged "
        "65 and over`). Carers tables use the band `85 and over`; other POPPI tables `85-89` and "
        "`90 and over`.",
        "",
    ]
    return "\n".join(lines)
