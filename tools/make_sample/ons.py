"""ONS 2014-based subnational population projections (SNPP) CSVs and a MYEB1 mid-year workbook.

`2014 SNPP Population persons.csv` (and `males`, `females`):
    AREA_CODE,AREA_NAME,COMPONENT,SEX,AGE_GROUP,2014,2015,...,2039
    COMPONENT `Population`; SEX `persons` / `male` / `female`; AGE_GROUP `0`..`89`, `90 and over`,
    `All ages`; rows for Lewisham, London (region) and England.
`MYEB1_sample.xlsx`: sheet `MYEB1`, row 1 a title, header on row 2:
    ladcode23, laname23, country, sex, age, population_2011 ... population_2016 (sex M/F, age 90 = 90+).
All numbers come from `common.snpp()`, the population every other sample file uses.
"""
from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
from openpyxl import Workbook

from . import common as C

SNPP_YEARS = C.YEARS
SEX_FILE = {"persons": "persons", "male": "males", "female": "females"}


def _age_label(a: int) -> str:
    return "90 and over" if a == 90 else str(a)


def write_snpp(out_dir: Path) -> list[Path]:
    data = C.snpp()
    files = []
    for sex, word in SEX_FILE.items():
        path = out_dir / f"2014 SNPP Population {word}.csv"
        with path.open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["AREA_CODE", "AREA_NAME", "COMPONENT", "SEX", "AGE_GROUP"]
                       + [str(y) for y in SNPP_YEARS])
            for area, code in C.AREAS.items():
                by_year = data[area][sex]
                for a in C.AGES:
                    w.writerow([code, area, "Population", sex, _age_label(a)]
                               + [int(by_year[y][a]) for y in SNPP_YEARS])
                w.writerow([code, area, "Population", sex, "All ages"]
                           + [int(by_year[y].sum()) for y in SNPP_YEARS])
        files.append(path)
    return files


def mye() -> dict[str, dict[int, np.ndarray]]:
    """Lewisham mid-year estimates 2011-2016 by sex: a little below the SNPP (about 0.8%),
    with small deterministic noise (numpy default_rng(2017))."""
    rng = C.rng()
    data = C.snpp()["Lewisham"]
    out = {"M": {}, "F": {}}
    for sex, key in (("M", "male"), ("F", "female")):
        for y in C.MYE_YEARS:
            base = data[key][y].astype(float)
            noise = rng.normal(0.0, 0.006, size=base.shape)
            out[sex][y] = np.rint(base * (0.992 + noise)).astype(int)
    return out


def write_mye(out_dir: Path) -> Path:
    path = out_dir / "MYEB1_sample.xlsx"
    est = mye()
    wb = Workbook()
    ws = wb.active
    ws.title = "MYEB1"
    ws.append(["MYEB1: Population estimates by single year of age and sex for local authorities "
               "in the UK, mid-2011 to mid-2016 (sample extract: Lewisham)"])
    ws.append(["ladcode23", "laname23", "country", "sex", "age"]
              + [f"population_{y}" for y in C.MYE_YEARS])
    for sex in ("M", "F"):
        for a in C.AGES:
            ws.append([C.AREAS["Lewisham"], "Lewisham", "E", sex, a]
                      + [int(est[sex][y][a]) for y in C.MYE_YEARS])
    wb.save(path)
    C.normalise_zip(path)
    return path


def write(out_dir: Path) -> list[Path]:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    files = write_snpp(out_dir) + [write_mye(out_dir)]
    (Path(__file__).parent / "readme_ons.md").write_text(readme(), encoding="utf-8")
    return files


def readme() -> str:
    p = C.snpp()["Lewisham"]["persons"]
    t17, t22 = int(p[2017].sum()), int(p[2022].sum())
    u19 = int(p[2017][:19].sum())
    o65 = int(p[2017][65:].sum())
    lon = int(C.snpp()["London"]["persons"][2017].sum())
    eng = C.snpp()["England"]["persons"][2017]
    est = mye()
    m16 = int(est["M"][2016].sum() + est["F"][2016].sum())
    return "\n".join([
        "## ONS population files (`tools/make_sample/ons.py`)",
        "",
        "One reconstructed population (`tools/make_sample/common.py`) feeds these files, the POPPI "
        "and PANSI population tables and the Fingertips denominators.",
        "",
        "### `2014 SNPP Population persons.csv`, `... males.csv`, `... females.csv`",
        "Columns `AREA_CODE,AREA_NAME,COMPONENT,SEX,AGE_GROUP,2014..2039`; COMPONENT `Population`; "
        "SEX `persons`/`male`/`female`; AGE_GROUP `0`..`89`, `90 and over`, `All ages`; areas "
        "Lewisham `E09000023`, London `E12000007`, England `E92000001`. Whole numbers of people. "
        "males + females = persons for every age and year; `All ages` = the sum of the ages.",
        "",
        "From the seeds (seed 000):",
        f"- Lewisham all ages 2017 = {t17:,} (s3.1: \"population of about 305,945 people\").",
        f"- aged under 19 in 2017 = {u19:,} = {u19 / t17:.1%} (s3.1: \"24% of residents aged under 19\").",
        f"- aged 65+ in 2017 = {o65:,} = {o65 / t17:.1%} (s3.1: \"9% aged 65 or over\"); its "
        "five-year bands round to the nearest 100 as 8,100 / 6,300 / 4,900 / 3,800 / 2,400 / 1,300 "
        "= 26,800 (s3.2: \"26,800 Lewisham residents aged 65 and over\"), which is what the POPPI "
        "population table shows.",
        f"- growth 2017 to 2022 = {t22 - t17:+,} (s3.1: \"expected to grow by 20,000 residents in "
        "the next five years\").",
        f"- England aged 65+ in 2017 = {eng[65:].sum() / eng.sum():.1%} (s3.1: \"England as a "
        "whole, where an estimated 18% are over 65\").",
        "",
        "Illustrative: the single-year age shape (a young inner-London structure with a 25-39 "
        "peak), the male share by age, and the projection (a simple cohort-component model: "
        "Gompertz-style mortality, births held at the 2017 rate per woman aged 15-44, an age "
        "profile of net migration tuned to the 20,000 growth). London (2017: "
        f"{lon:,}) and England (2017: {int(eng.sum()):,}) are built the same way to plausible "
        "totals. Years 2014-2016 are back-projected through the same model.",
        "",
        "### `MYEB1_sample.xlsx`",
        "Sheet `MYEB1`, title in row 1, header in row 2: `ladcode23, laname23, country, sex, age, "
        "population_2011 .. population_2016`; sex `M`/`F`; age 0..90 (90 = 90 and over); "
        f"Lewisham only. Illustrative: the SNPP back-projection less about 0.8% with small random "
        f"noise (numpy default_rng(2017)); mid-2016 total {m16:,}. Nothing in it is a seed figure.",
        "",
    ])
