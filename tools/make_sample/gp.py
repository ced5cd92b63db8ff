"""NHS Digital 'Patients registered at a GP practice' sample files for Lewisham's 34 practices.

`gp-reg-pat-prac-all.csv` (July 2013 totals, latin-1):
    PUBLICATION,EXTRACT_DATE,TYPE,CCG_CODE,ONS_CCG_CODE,CODE,POSTCODE,SEX,AGE,NUMBER_OF_PATIENTS
    The practices of each neighbourhood sum exactly to seed 003 Table 1.
`gp-reg-pat-prac-quin-age.csv` (April 2017, quinary age bands, latin-1):
    PUBLICATION,EXTRACT_DATE,ORG_TYPE,ORG_CODE,ONS_CODE,POSTCODE,SEX,AGE_GROUP_5,NUMBER_OF_PATIENTS
    34 `GP` practices and the `CCG` (08L) rows that are their sums.

Practices and neighbourhoods come from Lewisham's profile, data/authorities/E09000023/practices.csv:
the sites of seed 001 Appendix B that are practices with an ODS code of their own in NHS Digital's
registrations file, under their real code. The other 10 sites (branch sites, merged or closed
practices) have no code and are in no file written here; their patients are carried by the real
practices of their neighbourhood (`_sizes_2013`).
"""
from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from . import common as C

PROFILE = Path(__file__).resolve().parents[2] / "data" / "authorities" / "E09000023"
TOTALS_FILE = "gp-reg-pat-prac-all.csv"
QUIN_FILE = "gp-reg-pat-prac-quin-age.csv"
PUBLICATION = "GP_PRAC_PAT_LIST"
CCG_CODE, ONS_CCG_CODE = "08L", "E38000098"

# Seed 003 Table 1, "Lewisham Patients Registered" (July 2013).
TABLE1 = {"N1": 45342, "N2": 76593, "N3": 38878, "N4": 46115}
TABLE1_TOTAL = 206928

BANDS = [(a, a + 4) for a in range(0, 95, 5)] + [(95, None)]
BAND_LABELS = [f"{lo}_{hi}" for lo, hi in BANDS[:-1]] + ["95+"]
# Age tilt per neighbourhood (log-odds per 40 years of age): N1/N2 younger, N3/N4 older
# (seed 000 s3.2: "More older people live in the south than the north of Lewisham").
TILT = {"N1": -0.25, "N2": -0.05, "N3": 0.30, "N4": 0.20}
DISTRICTS = {"N1": ["SE8", "SE14", "SE4"], "N2": ["SE13", "SE12"], "N3": ["SE6", "BR1", "SE12"],
             "N4": ["SE23", "SE26", "SE6"]}
CCG_TOTAL_2017 = 318_500   # illustrative: list inflation over the ~306k resident population


def practices() -> list[dict]:
    with (PROFILE / "practices.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _postcodes(prac, rng) -> dict[str, str]:
    out = {}
    for p in prac:
        d = DISTRICTS[p["neighbourhood_code"]][int(rng.integers(len(DISTRICTS[p["neighbourhood_code"]])))]
        out[p["practice_code"]] = (f"{d} {int(rng.integers(1, 10))}"
                                   f"{'ABDEFGHJLNPQRSTUWXY'[int(rng.integers(19))]}"
                                   f"{'ABDEFGHJLNPQRSTUWXYZ'[int(rng.integers(20))]}")
    return out


def _sizes_2013(prac, rng) -> dict[str, int]:
    """Practice list sizes summing exactly to each neighbourhood's Table 1 figure.

    Table 1 counts the patients of all 44 sites of seed 001 Appendix B. 10 of them have no ODS code
    of their own (branch sites such as ICO Chinbrook, registered with their parent practice, and
    merged or closed practices), so the profile does not list them and the sample invents no code
    for them: each neighbourhood's whole Table 1 figure is split over the real practices of that
    neighbourhood only, which thereby carry the removed sites' patients (as a branch's patients are
    registered with its parent practice). The neighbourhood totals are the seed's, exactly.
    """
    out = {}
    for hood, total in TABLE1.items():
        members = [p["practice_code"] for p in prac if p["neighbourhood_code"] == hood]
        weights = rng.lognormal(0.0, 0.45, size=len(members))
        for code, n in zip(members, C.largest_remainder(weights, total)):
            out[code] = n
    return out


def _age_weights() -> dict[str, np.ndarray]:
    """Lewisham 2017 resident population (common.snpp) in the 20 GP quinary bands, by sex."""
    pop = C.snpp()["Lewisham"]
    out = {}
    for sex, key in (("MALE", "male"), ("FEMALE", "female")):
        by_age = pop[key][2017].astype(float)
        w = [by_age[lo:hi + 1].sum() for lo, hi in BANDS[:-2]]      # 0_4 .. 85_89
        over90 = by_age[90]
        w += [over90 * (0.78 if sex == "MALE" else 0.72), over90 * (0.22 if sex == "MALE" else 0.28)]
        out[sex] = np.array(w)
    return out


def _quinary(prac, sizes13, rng) -> dict[str, dict[str, list[int]]]:
    """{practice: {MALE: [20 bands], FEMALE: [...]}} for April 2017."""
    codes = [p["practice_code"] for p in prac]
    hood = {p["practice_code"]: p["neighbourhood_code"] for p in prac}
    growth = np.array([sizes13[c] for c in codes]) * rng.lognormal(0.0, 0.12, size=len(codes))
    sizes = C.largest_remainder(growth, CCG_TOTAL_2017)
    base = _age_weights()
    mids = np.array([lo + 2.5 for lo, _ in BANDS])
    out = {}
    for code, size in zip(codes, sizes):
        tilt = TILT[hood[code]] + float(rng.normal(0, 0.12))
        factor = np.exp(tilt * (mids - 40) / 40)
        noise = rng.lognormal(0.0, 0.06, size=(2, len(BANDS)))
        cells = np.concatenate([base["MALE"] * factor * noise[0], base["FEMALE"] * factor * noise[1]])
        n = C.largest_remainder(cells, int(size))
        out[code] = {"MALE": n[:len(BANDS)], "FEMALE": n[len(BANDS):]}
    return out


def write_totals(out_dir: Path) -> Path:
    rng = C.rng()
    prac = practices()
    sizes = _sizes_2013(prac, rng)
    post = _postcodes(prac, rng)
    path = Path(out_dir) / TOTALS_FILE
    with path.open("w", newline="", encoding="latin-1") as fh:
        w = csv.writer(fh)
        w.writerow(["PUBLICATION", "EXTRACT_DATE", "TYPE", "CCG_CODE", "ONS_CCG_CODE", "CODE",
                    "POSTCODE", "SEX", "AGE", "NUMBER_OF_PATIENTS"])
        for p in prac:
            code = p["practice_code"]
            total = sizes[code]
            male = int(round(total * float(rng.normal(0.497, 0.012))))
            for sex, n in (("ALL", total), ("MALE", male), ("FEMALE", total - male)):
                w.writerow([PUBLICATION, "01-Jul-13", "GP", CCG_CODE, ONS_CCG_CODE, code, post[code],
                            sex, "ALL", n])
    return path


def write_quinary(out_dir: Path) -> Path:
    rng = C.rng()
    prac = practices()
    sizes13 = _sizes_2013(prac, rng)
    post = _postcodes(prac, rng)
    data = _quinary(prac, sizes13, rng)
    path = Path(out_dir) / QUIN_FILE
    header = ["PUBLICATION", "EXTRACT_DATE", "ORG_TYPE", "ORG_CODE", "ONS_CODE", "POSTCODE", "SEX",
              "AGE_GROUP_5", "NUMBER_OF_PATIENTS"]

    def rows_for(org_type, org_code, ons, postcode, by_sex):
        m, f = np.array(by_sex["MALE"]), np.array(by_sex["FEMALE"])
        out = []
        for sex, v in (("ALL", m + f), ("FEMALE", f), ("MALE", m)):
            out.append([PUBLICATION, "01APR2017", org_type, org_code, ons, postcode, sex, "ALL", int(v.sum())])
            for label, n in zip(BAND_LABELS, v):
                out.append([PUBLICATION, "01APR2017", org_type, org_code, ons, postcode, sex, label, int(n)])
        return out

    ccg = {s: np.sum([data[c][s] for c in data], axis=0) for s in ("MALE", "FEMALE")}
    with path.open("w", newline="", encoding="latin-1") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows_for("CCG", CCG_CODE, ONS_CCG_CODE, "NA", ccg))
        for p in prac:
            code = p["practice_code"]
            w.writerows(rows_for("GP", code, "NA", post[code], data[code]))
    return path


def write(out_dir: Path) -> list[Path]:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    files = [write_totals(out_dir), write_quinary(out_dir)]
    _write_readme()
    return files


def _write_readme() -> None:
    prac = practices()
    n = len(prac)
    per_hood = ", ".join(f"{h} {sum(p['neighbourhood_code'] == h for p in prac)}" for h in TABLE1)
    text = f"""## GP registered patients (NHS Digital) — `gp.py`

Both files are CSV written latin-1 (as NHS Digital publishes them), `PUBLICATION` = `{PUBLICATION}`.
Practice codes, names and neighbourhoods come from Lewisham's profile,
`data/authorities/E09000023/practices.csv`: the sites of seed 001 Appendix B (44 sites in four
neighbourhoods: N1 North Lewisham = map numbers 1-11, N2 Central = 12-25, N3 South East = 26-37,
N4 South West = 38-44) that are practices with an ODS code of their own in NHS Digital's January
2021 registrations file (CCG 72Q), under their **real code** and named as in the Fingertips
practice export (`ods_name` column): {n} practices, {per_hood}. 33 are matched by name
(e.g. `Torricon Road` is G85032 Torridon Road Medical Practice, `ICO Moorside Clinic` is G85104
ICO Health Group); `Rushey Green` (22) is G85633 Novum Health Partnership, the same CQC location
(Hawstead Road, SE6 4JH) under the practice's later name (`code_source` says which).

The other 10 sites have no ODS code of their own and are in neither the profile nor these files
(no code is invented for them); the seed's neighbourhood totals still hold, because each
neighbourhood's figure is split over its real practices, which carry those sites' patients:
- branch sites of a listed practice: ICO Chinbrook (32), ICO Marvels Lane Health Centre (34) and
  ICO Boundfield Road Medical Centre (36) are sites of G85104 ICO Health Group (N3; the 2013 merger
  of four Grove Park practices); Baring Road (28, N3) is the branch surgery of G85633 Novum Health
  Partnership (listed in N2 as Rushey Green);
- merged or closed since 2015, with no code in the 2021 file: Dr Batra Surgery (10, N1), Brockley
  Road (18, N2; it joined the Central Lewisham Care Partnership), Hurley Group Practice (25, N2),
  Winlaton (31, N3), Muirkirk Road (35, N3), Sydenham Surgery (41, N4).

Ingesting the real 2021 file beside the sample warns about the one practice under 72Q in
Lewisham's postcode districts that the profile does not list (Y06545, 172 patients at the same
Hawstead Road address as G85633).

### `gp-reg-pat-prac-all.csv` (totals, July 2013)
`PUBLICATION,EXTRACT_DATE,TYPE,CCG_CODE,ONS_CCG_CODE,CODE,POSTCODE,SEX,AGE,NUMBER_OF_PATIENTS`;
`EXTRACT_DATE` `01-Jul-13`, `TYPE` `GP`, `CCG_CODE` `08L`, `ONS_CCG_CODE` `E38000098`, `AGE` `ALL`,
three rows per practice (`SEX` `ALL`, `MALE`, `FEMALE`; MALE + FEMALE = ALL).
- From the seeds (seed 003 s6.2 Table 1, "Lewisham Patients Registered"): the practices of each
  neighbourhood sum exactly to N1 45,342; N2 76,593; N3 38,878; N4 46,115; total 206,928.
- Illustrative: the split between practices (log-normal weights), the sex split (about 49.7% male)
  and the practice postcodes (real Lewisham districts of the practice's neighbourhood, invented units).

### `gp-reg-pat-prac-quin-age.csv` (quinary age, April 2017)
`PUBLICATION,EXTRACT_DATE,ORG_TYPE,ORG_CODE,ONS_CODE,POSTCODE,SEX,AGE_GROUP_5,NUMBER_OF_PATIENTS`;
`EXTRACT_DATE` `01APR2017`; `ORG_TYPE` `CCG` (one org, `08L`, ONS_CODE `E38000098`, POSTCODE `NA`)
then `GP` ({n} practices, ONS_CODE `NA`, POSTCODE the practice's); `SEX` `ALL`, `FEMALE`, `MALE`;
`AGE_GROUP_5` `ALL`, `0_4`, `5_9`, ... `90_94`, `95+`. Bands sum to `ALL`, MALE + FEMALE = ALL,
and the CCG rows are the sums of the practice rows.
- Illustrative: list sizes (2013 sizes grown with noise to a CCG total of {CCG_TOTAL_2017:,}, list
  inflation over the 305,945 residents of seed 000 s3.1). The age/sex shape is the sample's own
  Lewisham 2017 population (`common.snpp()`, the same one behind the ONS and POPPI/PANSI files),
  90+ split 78/22 (men) and 72/28 (women) into 90_94 / 95+, tilted older in N3 and N4 and younger
  in N1 (seed 000 s3.2: "More older people live in the south than the north of Lewisham").
  Small practices have cells under 5 (e.g. 95+), so disclosure control has work to do.
"""
    (Path(__file__).parent / "readme_gp.md").write_text(text, encoding="utf-8")
