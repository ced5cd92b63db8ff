"""Contracts registers: Lewisham Council (Transparency Code CSV) and NHS Lewisham CCG (xlsx).

`lewisham_council_contracts_register.csv`:
    Reference Number,Title of agreement,Department,Description,Supplier Name,Start Date,End Date,
    Review Date,Total Contract Value,Estimated Annual Value,Irrecoverable VAT,Procurement Route,SME,
    VCSE,Charity Registration Number
    money like `£1,234.00`, dates `dd/mm/yyyy`.
`nhs_lewisham_ccg_contracts_register.xlsx`: sheet `Contracts Register`, two title rows, then
    Contract Reference,Contract Title,Vendor,Contract start date,Contract end date,Contract value,
    Annual contract value
    (real Excel dates in some rows, `01-Apr-16` text in others).
Suppliers and services named in the seeds are used; values and dates are illustrative except
the equipment contract (£1.4m a year, seed 000 s4.3) and the four lead home care providers
(£14m a year between them, seed 004 s10.2).
"""
from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from openpyxl import Workbook

from . import cqc

COUNCIL_FILE = "lewisham_council_contracts_register.csv"
CCG_FILE = "nhs_lewisham_ccg_contracts_register.xlsx"
AS_AT = dt.date(2017, 6, 1)
CS = "Community Services"
LEAD_ANNUAL = [3_850_000, 3_600_000, 3_400_000, 3_150_000]     # sum 14,000,000 (seed 004 s10.2)

D = dt.date
# (title, description, supplier, start, end, annual value, route, SME, VCSE, charity no, department)
COUNCIL = [
    ("New Direction - Adult Substance Misuse Treatment Service",
     "Tier 2 and 3 substance misuse treatment: psychosocial interventions, substitute prescribing, "
     "needle exchange, BBV testing and vaccinations, peer mentors; friends and family service",
     "Change Grow Live (CGL)", D(2015, 4, 1), D(2018, 3, 31), 3_150_000, "Open tender", "No", "Yes", ""),
    ("GP Shared Care - Substance Misuse",
     "Shared care with specialist GP practices for people with lower-level drug and alcohol needs, "
     "working in partnership with New Direction", "Blenheim CDP", D(2015, 4, 1), D(2018, 3, 31),
     420_000, "Open tender", "Yes", "Yes", ""),
    ("Carers Support Service",
     "Outcome-focussed information, advice and support for adult carers; target of 500 new "
     "contacts per year; base in Forest Hill and neighbourhood outreach",
     "Carers Lewisham", D(2014, 4, 1), D(2017, 9, 30), 312_000, "Restricted tender", "Yes", "Yes", ""),
    ("Primary Care Mental Health Support",
     "Support for people with mental health problems between primary and secondary care",
     "Lewisham and Bromley MIND", D(2015, 10, 1), D(2018, 9, 30), 285_000, "Open tender", "Yes", "Yes", ""),
    ("Independent Advocacy Service",
     "Care Act advocacy, IMCA, IMHA and self-advocacy for adults", "Lewisham Voiceability",
     D(2016, 4, 1), D(2019, 3, 31), 248_000, "Open tender", "No", "Yes", ""),
    ("Community Connections",
     "Community development and social prescribing: linking vulnerable adults to local community "
     "activities through neighbourhood care networks", "Community Connections Lewisham Consortium",
     D(2013, 7, 1), D(2017, 6, 30), 395_000, "Open tender", "Yes", "Yes", "1161234"),
    ("Advice Lewisham - Generalist Advice and Triage",
     "Telephone advice and triage, pre-bookable appointments and drop-in sessions under the Advice "
     "Lewisham banner", "Citizens Advice Lewisham", D(2017, 4, 1), D(2020, 3, 31), 265_000,
     "Grant agreement", "Yes", "Yes", ""),
    ("Advice Lewisham - Specialist Welfare Benefits and Debt Advice",
     "Specialist welfare benefits, debt and housing advice within the Advice Lewisham partnership",
     "Deptford Advice Centre", D(2017, 4, 1), D(2020, 3, 31), 118_000, "Grant agreement", "Yes", "Yes",
     "1098765"),
    ("Community Equipment Service",
     "Joint purchasing of community equipment through the London Community Equipment Consortium",
     "London Community Equipment Consortium", D(2014, 4, 1), D(2019, 3, 31), 1_400_000,
     "Framework call-off", "No", "No", ""),
    ("Extra Care Housing - Care and Support (Cedar Court)",
     "24-hour care and support for older people in an extra care scheme", "Cedar Housing Care Limited",
     D(2015, 4, 1), D(2020, 3, 31), 640_000, "Open tender", "Yes", "No", ""),
    ("Extra Care Housing - Care and Support (Hazelwood House)",
     "24-hour care and support for older people in an extra care scheme", "Hazelwood Living Limited",
     D(2016, 1, 1), D(2020, 12, 31), 560_000, "Open tender", "Yes", "No", ""),
    ("Extra Care Housing - Care and Support (Linden Grove)",
     "24-hour care and support for older people in an extra care scheme",
     "Linden Housing and Care Association", D(2014, 10, 1), D(2017, 11, 30), 590_000,
     "Restricted tender", "No", "Yes", "1045321"),
    ("Supported Living - Learning Disability (North)",
     "Supported living for adults with a learning disability", "Ravensbourne Supported Living",
     D(2016, 4, 1), D(2021, 3, 31), 1_250_000, "Open tender", "Yes", "No", ""),
    ("Supported Living - Learning Disability (South)",
     "Supported living for adults with a learning disability", "Catford Community Living",
     D(2015, 4, 1), D(2018, 3, 31), 980_000, "Open tender", "Yes", "Yes", "1123456"),
    ("Mental Health Supported Accommodation",
     "Supported accommodation and recovery support for adults with mental health needs",
     "Honor Oak Recovery Housing", D(2016, 7, 1), D(2019, 6, 30), 720_000, "Open tender", "Yes", "Yes",
     "1150987"),
    ("Shared Lives Scheme",
     "Recruitment, training and support of Shared Lives carers (adult placements)",
     "Ravensbourne Shared Lives", D(2016, 4, 1), D(2019, 3, 31), 210_000, "Quotation", "Yes", "Yes",
     "1139876"),
    ("Lewisham MindCare Dementia Support",
     "Post-diagnostic advice, information and support for people with dementia",
     "Lewisham and Bromley MIND", D(2015, 4, 1), D(2018, 3, 31), 190_000, "Open tender", "Yes", "Yes", ""),
    ("Learning Disability Day Opportunities",
     "Community-based day opportunities for adults with a learning disability",
     "Ravensbourne Day Opportunities CIC", D(2016, 10, 1), D(2019, 9, 30), 860_000, "Open tender",
     "Yes", "Yes", ""),
    ("Block Contract - Nursing Care Beds",
     "Block purchase of nursing home beds for older people", "Hartwell Healthcare (UK) Limited",
     D(2015, 4, 1), D(2018, 3, 31), 1_950_000, "Restricted tender", "No", "No", ""),
    ("Block Contract - Residential Care Beds",
     "Block purchase of residential care beds for older people with dementia",
     "Meadowbank Care Homes Limited", D(2016, 4, 1), D(2019, 3, 31), 1_100_000, "Restricted tender",
     "No", "No", ""),
    ("Stroke Support Service", "Information and support for stroke survivors", "Stroke Association",
     D(2016, 4, 1), D(2018, 3, 31), 65_000, "Grant agreement", "No", "Yes", ""),
    ("Sight Loss Support Service", "Rehabilitation and support for adults with visual impairment",
     "South London Sight Loss Services", D(2015, 4, 1), D(2018, 3, 31), 88_000, "Quotation", "Yes",
     "Yes", "1087654"),
    ("Befriending and Lunch Clubs for Older People",
     "Befriending, lunch clubs and activities to reduce isolation among older people",
     "Lewisham Befriending Network", D(2016, 4, 1), D(2018, 3, 31), 140_000, "Grant agreement", "Yes",
     "Yes", "1112233"),
    ("Mental Health Wellbeing Hubs", "Peer support and wellbeing hubs for adults with mental health problems",
     "Sydenham Wellbeing Collective", D(2017, 4, 1), D(2020, 3, 31), 175_000, "Open tender", "Yes", "Yes",
     "1170011"),
    ("Personal Assistant Support Service",
     "Direct payment support and personal assistant register for people with a physical disability",
     "Independent Living Lewisham", D(2016, 4, 1), D(2019, 3, 31), 130_000, "Quotation", "Yes", "Yes",
     "1100456"),
    ("Reablement Service", "Short-term home care reablement after hospital discharge",
     "Riverside Home Support Limited", D(2016, 4, 1), D(2018, 3, 31), 1_300_000, "Open tender", "Yes",
     "No", ""),
]
# The four lead home care providers (names shared with the CQC sample), one area each.
AREAS = ["North Lewisham", "Central Lewisham", "South East Lewisham", "South West Lewisham"]
for (_, provider, _, _), area, annual in zip(cqc.LEAD_AGENCIES, AREAS, LEAD_ANNUAL):
    COUNCIL.append((f"Home Care Lead Provider - {area}",
                    f"Lead provider of outcome-based home care (domiciliary care) for the {area} area",
                    provider, D(2016, 10, 1), D(2021, 9, 30), annual, "Open tender", "Yes", "No", ""))
# Two contracts outside adult social care (a real register mixes every department).
OTHER = [
    ("Grounds Maintenance", "Grounds maintenance of parks and open spaces", "Glendale Parks Services Ltd",
     D(2014, 4, 1), D(2019, 3, 31), 2_300_000, "Open tender", "No", "No", "", "Customer Services"),
    ("Library Self-Service Kiosks", "Supply and maintenance of library self-service kiosks",
     "Kiosk Systems UK Ltd", D(2016, 6, 1), D(2018, 5, 31), 45_000, "Quotation", "Yes", "No", "",
     "Resources and Regeneration"),
]

CCG_ROWS = [
    # (ref, title, vendor, start, end, total, annual, date as text?)
    ("CCG-1516-001", "Adult Mental Health Services (inpatient and community)",
     "South London and Maudsley NHS Foundation Trust", D(2016, 4, 1), D(2019, 3, 31), 171_600_000, 57_200_000, False),
    ("CCG-1516-002", "Lewisham Memory Service", "South London and Maudsley NHS Foundation Trust",
     D(2016, 4, 1), D(2019, 3, 31), 3_150_000, 1_050_000, True),
    ("CCG-1516-003", "Improving Access to Psychological Therapies (IAPT)",
     "South London and Maudsley NHS Foundation Trust", D(2015, 4, 1), D(2018, 3, 31), 9_600_000, 3_200_000, False),
    ("CCG-1516-004", "Acute Hospital Services", "Lewisham and Greenwich NHS Trust",
     D(2016, 4, 1), D(2017, 3, 31), 171_000_000, 171_000_000, True),
    ("CCG-1516-005", "Adult Community Health Services (district nursing and therapies)",
     "Lewisham and Greenwich NHS Trust", D(2016, 4, 1), D(2019, 3, 31), 96_000_000, 32_000_000, True),
    ("CCG-1516-006", "Primary Care Mental Health Support", "Lewisham and Bromley MIND",
     D(2015, 10, 1), D(2018, 9, 30), 540_000, 180_000, False),
    ("CCG-1516-007", "Carers Support Service (CCG contribution)", "Carers Lewisham",
     D(2014, 4, 1), D(2017, 9, 30), 360_000, 103_000, False),
    ("CCG-1516-008", "Specialist Palliative Care", "St Christopher's Hospice",
     D(2016, 4, 1), D(2019, 3, 31), 4_500_000, 1_500_000, True),
    ("CCG-1516-009", "Community Equipment (health contribution)", "London Community Equipment Consortium",
     D(2014, 4, 1), D(2019, 3, 31), 3_000_000, 600_000, False),
    ("CCG-1516-010", "Continuing Healthcare Nursing Home Placements (block)", "Hartwell Healthcare (UK) Limited",
     D(2016, 4, 1), D(2018, 3, 31), 2_600_000, 1_300_000, True),
    ("CCG-1516-011", "Dementia Early Supported Discharge 24-hour Care Service", "Greenvale Care at Home Limited",
     D(2017, 4, 1), D(2018, 3, 31), 450_000, 450_000, True),
]


def money(v: float) -> str:
    return f"£{v:,.2f}"


def dmy(d: dt.date) -> str:
    return d.strftime("%d/%m/%Y")


def _months(a: dt.date, b: dt.date) -> int:
    return (b.year - a.year) * 12 + b.month - a.month + 1


def write_council(out_dir: Path) -> Path:
    path = Path(out_dir) / COUNCIL_FILE
    rows = [r + (CS,) for r in COUNCIL] + OTHER
    with path.open("w", newline="", encoding="utf-8-sig") as fh:
        w = csv.writer(fh)
        w.writerow(["Reference Number", "Title of agreement", "Department", "Description", "Supplier Name",
                    "Start Date", "End Date", "Review Date", "Total Contract Value", "Estimated Annual Value",
                    "Irrecoverable VAT", "Procurement Route", "SME", "VCSE", "Charity Registration Number"])
        for i, (title, desc, supplier, start, end, annual, route, sme, vcse, charity, dept) in enumerate(rows, 1):
            total = annual * _months(start, end) / 12
            review = end.replace(year=end.year - 1)
            prefix = "CS" if dept == CS else "CR"
            w.writerow([f"LBL-{prefix}-{start.year}-{i:03d}", title, dept, desc, supplier, dmy(start), dmy(end),
                        dmy(review), money(total), money(annual), money(0) if i % 3 else "", route, sme,
                        vcse, charity])
    return path


def write_ccg(out_dir: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Contracts Register"
    ws.append(["NHS Lewisham Clinical Commissioning Group"])
    ws.append(["Contracts Register - as at 31 May 2017 (illustrative sample)"])
    ws.append(["Contract Reference", "Contract Title", "Vendor", "Contract start date", "Contract end date",
               "Contract value", "Annual contract value"])
    for ref, title, vendor, start, end, total, annual, as_text in CCG_ROWS:
        if as_text:
            s, e = start.strftime("%d-%b-%y"), end.strftime("%d-%b-%y")
        else:
            s, e = dt.datetime.combine(start, dt.time()), dt.datetime.combine(end, dt.time())
        ws.append([ref, title, vendor, s, e, total, annual])
        row = ws.max_row
        for col in (4, 5):
            if not as_text:
                ws.cell(row=row, column=col).number_format = "dd/mm/yyyy"
        for col in (6, 7):
            ws.cell(row=row, column=col).number_format = '"£"#,##0'
    path = Path(out_dir) / CCG_FILE
    wb.properties.creator = "mps sample generator"
    wb.properties.created = dt.datetime(2017, 6, 1)
    wb.save(path)
    from .common import normalise_zip
    normalise_zip(path)  # byte-for-byte reproducible
    return path


def write(out_dir: Path) -> list[Path]:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    files = [write_council(out_dir), write_ccg(out_dir)]
    _write_readme()
    return files


def _write_readme() -> None:
    text = """## Contracts registers — `contracts.py`

### `lewisham_council_contracts_register.csv` (Local Government Transparency Code 2015 style)
Header: `Reference Number,Title of agreement,Department,Description,Supplier Name,Start Date,End Date,
Review Date,Total Contract Value,Estimated Annual Value,Irrecoverable VAT,Procurement Route,SME,VCSE,
Charity Registration Number`. UTF-8 with BOM; money written `£1,234.00`; dates `dd/mm/yyyy`;
`SME`/`VCSE` `Yes`/`No`; `Irrecoverable VAT` `£0.00` or blank. 30 adult social care contracts
(Department `Community Services`) plus 2 from other departments, which an adult social care view
should leave out. Total Contract Value = annual value x contract months / 12; review date one year
before the end date.
- From the seeds: the suppliers and services named in seed 000 s4 — CGL's New Direction
  substance misuse treatment and Blenheim CDP's GP shared care (s4.4.1); Carers Lewisham's
  outcome-focussed carers' service with "a target of 500 new contacts per year" in the description
  (s4.5); Lewisham and Bromley MIND (s4.4); Lewisham Voiceability advocacy and Advice Lewisham
  (s4.6; Citizens Advice Lewisham is named in s3.7); Community Connections (s4.2); the London
  Community Equipment Consortium at £1,400,000 a year (s4.3, "Lewisham spends £1.4 million on this
  contract"); three extra care schemes (s4.1); supported living and Shared Lives (s4.2); Lewisham
  MindCare Dementia Support (s4.1.1); the Stroke Association (s4.5). The four lead home care
  providers (fictional names, one per neighbourhood area, shared with the CQC sample) have
  estimated annual values £3.85m + £3.6m + £3.4m + £3.15m = £14,000,000 (seed 004 s10.2, "£14m
  (approx.) for home services purchased from the 4 lead providers").
- Illustrative: every other value, every date, references, routes, SME/VCSE flags; which
  organisation delivers MindCare, Community Connections and the specialist advice; all charity
  registration numbers (given only for fictional organisations; blank for the real ones named in
  the seeds). End dates are spread so that, at 1 June 2017, contracts end within 6 months (e.g.
  Community Connections 30/06/2017, Carers 30/09/2017, Linden Grove 30/11/2017), within 12 months
  (several on 31/03/2018), within 24 months (2018/19) and later (2020-2021).

### `nhs_lewisham_ccg_contracts_register.xlsx`
Sheet `Contracts Register`: row 1 `NHS Lewisham Clinical Commissioning Group`, row 2 a subtitle,
header in row 3: `Contract Reference,Contract Title,Vendor,Contract start date,Contract end date,
Contract value,Annual contract value`. Dates are real Excel dates in some rows and text like
`01-Apr-16` in others; values are numbers formatted `£#,##0`. 11 rows: SLaM adult mental health,
the Lewisham Memory Service and IAPT (seed 000 s4.4, s4.1.1), Lewisham and Greenwich NHS Trust
acute and community services, MIND, Carers Lewisham (CCG part-funds it, seed 000 s3.6), hospice,
equipment, CHC beds and the dementia early supported discharge service (s4.1.1). All values and
dates are illustrative (the acute contract of £171m is about the size implied by seed 001 s4.4's
£205m acute spend but is not pinned).
"""
    (Path(__file__).parent / "readme_contracts.md").write_text(text, encoding="utf-8")
