"""CQC care directory with filters, June 2017: `01_June_2017_HSCA_Active_Locations.xlsx`, and the
December 2016 edition before it, `01_December_2016_HSCA_Active_Locations.xlsx` (market changes).

Sheets `README` (a few lines) and `HSCA_Active_Locations` (header in row 1, no title rows): the core
columns of docs/formats.md s3 in that order, then the flag families `Regulated activity - ...`,
`Service type - ...` and `Service user band - ...` (flags `Y` or blank).

Seed-pinned (seed 000 s4.1): 18 active Lewisham care homes with the Older People band, 672 beds;
9 with nursing (482 beds, average 54) and 9 without (190 beds, average 21); six homes (one third)
belong to national groups and hold 377 beds (56%), twelve small independents hold 295.
Everything else (names, addresses, providers, ratings, the other services) is illustrative.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook

from loaders.cqc import HEADER_COLUMNS as CORE  # the directory's columns, as the loader declares them

from . import common as C

FILE = "01_June_2017_HSCA_Active_Locations.xlsx"
EARLIER_FILE = "01_December_2016_HSCA_Active_Locations.xlsx"
EARLIER_AS_AT = dt.datetime(2016, 12, 1)


ACTIVITIES = [
    "Accommodation for persons who require nursing or personal care",
    "Accommodation for persons who require treatment for substance misuse",
    "Assessment or medical treatment for persons detained under the Mental Health Act 1983",
    "Diagnostic and screening procedures",
    "Family planning",
    "Management of supply of blood and blood derived products",
    "Maternity and midwifery services",
    "Nursing care",
    "Personal care",
    "Services in slimming clinics",
    "Surgical procedures",
    "Transport services, triage and medical advice provided remotely",
    "Treatment of disease, disorder or injury",
]
SERVICE_TYPES = [
    "Acute services with overnight beds",
    "Ambulance service",
    "Care home service with nursing",
    "Care home service without nursing",
    "Community based services for people who misuse substances",
    "Community based services for people with a learning disability",
    "Community based services for people with mental health needs",
    "Community health care services - Nurses Agency only",
    "Community healthcare service",
    "Dental service",
    "Diagnostic and/or screening service",
    "Doctors consultation service",
    "Doctors treatment service",
    "Domiciliary care service",
    "Extra Care housing services",
    "Hospice services",
    "Long term conditions services",
    "Rehabilitation services",
    "Residential substance misuse treatment and rehabilitation service",
    "Shared Lives",
    "Specialist college service",
    "Supported housing",
    "Supported living service",
]
BANDS = [
    "Children 0-18 years",
    "Dementia",
    "Eating Disorders",
    "Learning disabilities or autistic spectrum disorder",
    "Mental Health",
    "Older People",
    "People detained under the Mental Health Act",
    "People who misuse drugs and alcohol",
    "Physical Disability",
    "Sensory Impairment",
    "Whole Population",
    "Younger Adults",
]
HEADER = (CORE + [f"Regulated activity - {a}" for a in ACTIVITIES]
          + [f"Service type - {s}" for s in SERVICE_TYPES]
          + [f"Service user band - {b}" for b in BANDS])

LA = {  # local authority -> (CCG code, CCG name)
    "Lewisham": ("08L", "NHS Lewisham CCG"),
    "Southwark": ("08Q", "NHS Southwark CCG"),
    "Greenwich": ("08A", "NHS Greenwich CCG"),
    "Bromley": ("07N", "NHS Bromley CCG"),
}
# Postcode district -> (approximate centre lat, long, local authority).
DISTRICTS = {
    "SE4": (51.4620, -0.0340, "Lewisham"), "SE6": (51.4370, -0.0150, "Lewisham"),
    "SE8": (51.4790, -0.0270, "Lewisham"), "SE12": (51.4450, 0.0200, "Lewisham"),
    "SE13": (51.4590, -0.0090, "Lewisham"), "SE14": (51.4760, -0.0420, "Lewisham"),
    "SE23": (51.4430, -0.0500, "Lewisham"), "SE26": (51.4290, -0.0520, "Lewisham"),
    "BR1": (51.4240, 0.0050, "Lewisham"),
    "SE15": (51.4690, -0.0690, "Southwark"), "SE22": (51.4520, -0.0700, "Southwark"),
    "SE10": (51.4820, 0.0050, "Greenwich"), "SE18": (51.4830, 0.0700, "Greenwich"),
    "SE9": (51.4470, 0.0550, "Greenwich"),
    "BR3": (51.4060, -0.0300, "Bromley"), "BR2": (51.3960, 0.0300, "Bromley"),
}
STREETS = {
    "SE4": ["Brockley Road", "Wickham Road", "Manor Avenue", "Tyrwhitt Road"],
    "SE6": ["Bromley Road", "Bellingham Road", "Canadian Avenue", "Torridon Road", "Rushey Green"],
    "SE8": ["Evelyn Street", "Deptford High Street", "Creek Road"],
    "SE12": ["Baring Road", "Burnt Ash Hill", "Lee High Road"],
    "SE13": ["Lewisham High Street", "Ladywell Road", "Hither Green Lane", "Belmont Hill"],
    "SE14": ["Queens Road", "New Cross Road", "Pepys Road"],
    "SE23": ["Dartmouth Road", "Honor Oak Park", "Perry Vale", "Stanstead Road"],
    "SE26": ["Sydenham Road", "Kirkdale", "Wells Park Road", "Jews Walk"],
    "BR1": ["Downham Way", "Moorside Road", "Whitefoot Lane"],
    "SE15": ["Peckham Rye", "Queens Road Peckham"], "SE22": ["Lordship Lane", "Barry Road"],
    "SE10": ["Trafalgar Road", "Blackheath Road"], "SE18": ["Plumstead Common Road", "Wellington Street"],
    "SE9": ["Eltham High Street", "Court Road"], "BR3": ["Beckenham Road", "Croydon Road"],
    "BR2": ["Hayes Lane", "Masons Hill"],
}
CITY = {"Lewisham": "London", "Southwark": "London", "Greenwich": "London", "Bromley": "Bromley"}

# Fictional national groups (brand id, brand name, provider id, provider name).
NATIONAL = {
    "A": ("BD123", "BRAND Meadowbank Care Group", "1-101234567", "Meadowbank Care Homes Limited"),
    "B": ("BD245", "BRAND Hartwell Healthcare", "1-102345678", "Hartwell Healthcare (UK) Limited"),
    "C": ("BD367", "BRAND Larchfield Living", "1-103456789", "Larchfield Living Limited"),
}

# --- Lewisham older people's care homes (seed 000 s4.1) ------------------------------------------
# (name, type N=nursing / R=residential, beds, national group or None, district, rating, dementia)
OP_HOMES = [
    # national groups: 6 homes, 377 beds (5 nursing 342 + 1 residential 35)
    ("Meadowbank House", "N", 75, "A", "SE6", "Good", True),
    ("Meadowbank Lodge", "N", 68, "A", "SE26", "Requires improvement", True),
    ("Hartwell Court Nursing Home", "N", 70, "B", "SE13", "Good", True),
    ("Hartwell Grange", "R", 35, "B", "SE12", "Good", True),
    ("Larchfield Park Care Centre", "N", 62, "C", "SE23", "Good", False),
    ("Larchfield View", "N", 67, "C", "BR1", "Requires improvement", True),
    # independents, nursing: 4 homes, 140 beds
    ("St Saviour's Nursing Home", "N", 39, None, "SE4", "Outstanding", False),
    ("Ravensbourne Nursing Home", "N", 30, None, "SE6", "Good", True),
    ("Hilly Fields Nursing Home", "N", 38, None, "SE13", "Good", False),
    ("Sydenham Hill Nursing Home", "N", 33, None, "SE26", "Requires improvement", True),
    # independents, residential: 8 homes, 155 beds
    ("Brockley Rise Residential Home", "R", 14, None, "SE4", "Good", False),
    ("Cedars Rest Home", "R", 18, None, "SE6", "Good", True),
    ("Ladywell Lodge", "R", 22, None, "SE13", "Good", False),
    ("Manor Park Care Home", "R", 12, None, "SE12", "", False),
    ("Perry Vale House", "R", 25, None, "SE23", "Good", True),
    ("Kirkdale Residential Home", "R", 20, None, "SE26", "Good", False),
    ("Whitefoot House", "R", 26, None, "BR1", "Good", True),
    ("Queens Road Care Home", "R", 18, None, "SE14", "Good", False),
]
# Lewisham homes for younger adults (LD / MH), no Older People band: (name, beds, band, district)
YA_HOMES = [
    ("Tyrwhitt Road", 6, "LD", "SE4"), ("Canadian Avenue", 4, "LD", "SE6"),
    ("Manor Avenue House", 8, "MH", "SE4"), ("Belmont Hill Lodge", 10, "MH", "SE13"),
    ("Torridon Road", 5, "LD", "SE6"), ("Jews Walk House", 3, "LD", "SE26"),
    ("Stanstead Road", 7, "MH", "SE23"), ("Burnt Ash Hill House", 6, "LD", "SE12"),
]
# The four lead domiciliary care agencies (fictional; the contracts register names them too).
LEAD_AGENCIES = [
    ("1-201000001", "Riverside Home Support Limited", "Riverside Home Support - Lewisham", "SE13"),
    ("1-201000002", "Ravensbourne Care Services Limited", "Ravensbourne Care Services", "SE6"),
    ("1-201000003", "Greenvale Care at Home Limited", "Greenvale Care at Home - Lewisham", "SE23"),
    ("1-201000004", "Hillside Homecare Limited", "Hillside Homecare (Lewisham)", "SE14"),
]
DOM_NAMES = [
    "Alpha Care Agency", "Bluebell Home Care", "Caring Hands Lewisham", "Deptford Home Helpers",
    "Evergreen Domiciliary Care", "First Choice Carers", "Goldcrest Care", "Harmony Home Care",
    "Ivy Lane Care Services", "Jubilee Care Agency", "Kindred Home Care", "Lantern Care Services",
    "Maple Home Care", "Nightingale Homecare", "Oakleaf Care Agency", "Primrose Care at Home",
    "Quality Homecare London", "Rosewood Care Services", "Silverline Care", "Thistle Home Care",
    "Unity Care Agency", "Violet Care Services", "Willow Domiciliary Care", "Yewtree Home Support",
    "Zenith Care Lewisham", "Amberley Home Care", "Beacon Care Agency", "Catford Care Services",
    "Dawn Home Care", "Elmwood Care Agency", "Forest Hill Home Care",
]
SUPPORTED_LIVING = [
    ("Lewisham Supported Living Service", "LD"), ("Ravensbourne Supported Living", "LD"),
    ("Hither Green Supported Living", "LD"), ("Sydenham Supported Living Project", "LD"),
    ("Catford Community Living", "LD"), ("Brockley Supported Living", "LD"),
    ("Deptford Independent Living", "LD"), ("Lee Supported Living Service", "MH"),
    ("Honor Oak Recovery Housing", "MH"), ("Downham Supported Living", "LD"),
]
EXTRA_CARE = [("Cedar Court Extra Care Scheme", "SE6", "Cedar Housing Care Limited"),
              ("Hazelwood House", "SE23", "Hazelwood Living Limited"),
              ("Linden Grove Extra Care", "SE13", "Linden Housing and Care Association")]
SHARED_LIVES = ("Lewisham Shared Lives Scheme", "SE13", "Ravensbourne Shared Lives")
DORMANT = ("Rushey Green Nursing Home", 40, "SE6")
# Neighbouring authorities: (name, LA district, type, beds, national group or None, bands)
NEIGHBOURS = [
    ("Meadowbank Gardens", "SE22", "N", 88, "A"), ("Meadowbank Manor", "BR3", "N", 64, "A"),
    ("Hartwell Place", "SE18", "N", 72, "B"), ("Hartwell Fields", "BR2", "R", 45, "B"),
    ("Larchfield Heights", "SE10", "N", 60, "C"), ("Larchfield Grange", "SE15", "R", 40, "C"),
    ("Peckham Rye Care Home", "SE15", "R", 28, None), ("Lordship Lane Nursing Home", "SE22", "N", 52, None),
    ("Eltham Court", "SE9", "R", 34, None), ("Plumstead Manor Nursing Home", "SE18", "N", 58, None),
    ("Beckenham Lodge", "BR3", "R", 22, None), ("Hayes Lane Care Home", "BR2", "R", 30, None),
    ("Blackheath Home Care", "SE10", "D", None, None), ("Southwark Home Support", "SE15", "D", None, None),
    ("Bromley Domiciliary Services", "BR2", "D", None, None),
]


class _Ids:
    def __init__(self, rng):
        self.rng = rng
        self.used = set()

    def __call__(self) -> str:
        while True:
            x = f"1-{int(self.rng.integers(100_000_000, 999_999_999))}"
            if x not in self.used:
                self.used.add(x)
                return x


def _rows() -> list[dict]:
    rng = C.rng()
    ids = _Ids(rng)
    rows = []

    def place(district):
        lat, lon, la = DISTRICTS[district]
        lat = round(lat + float(rng.normal(0, 0.004)), 6)
        lon = round(lon + float(rng.normal(0, 0.005)), 6)
        if la == "Lewisham":
            lat = min(max(lat, 51.415), 51.485)
            lon = min(max(lon, -0.065), 0.025)
        street = STREETS[district][int(rng.integers(len(STREETS[district])))]
        number = int(rng.integers(1, 240))
        unit = f"{int(rng.integers(1, 10))}{'ABDEFGHJLNPQRSTUWXY'[int(rng.integers(19))]}" \
               f"{'ABDEFGHJLNPQRSTUWXYZ'[int(rng.integers(20))]}"
        return dict(lat=lat, lon=lon, la=la, address=f"{number} {street}", postcode=f"{district} {unit}")

    def date_between(y0, y1):
        start = dt.date(y0, 1, 1).toordinal()
        end = dt.date(y1, 12, 31).toordinal()
        return dt.datetime.fromordinal(int(rng.integers(start, end)))

    def base(name, district, care_home, beds, brand=None, provider=None, ownership="Organisation",
             rating="Good", category="Residential social care", dormant="N"):
        p = place(district)
        ccg_code, ccg_name = LA[p["la"]]
        if brand:
            brand_id, brand_name = brand
        else:
            brand_id = brand_name = "-"
        prov_id, prov_name = provider if provider else (ids(), name + " Limited")
        start = date_between(2010, 2016) if dormant == "N" else date_between(2011, 2013)
        published = None
        if rating:
            published = max(start + dt.timedelta(days=int(rng.integers(200, 500))),
                            date_between(2015, 2016))
            published = min(published, dt.datetime(2017, 5, 26))
        r = {h: None for h in HEADER}
        r.update({
            "Location ID": ids(), "Location HSCA start date": start, "Dormant (Y/N)": dormant,
            "Care home?": "Y" if care_home else "N", "Location Name": name,
            "Care homes beds": beds if care_home else None, "Location Type/Sector": "Social Care Org",
            "Location Inspection Directorate": "Adult social care",
            "Location Primary Inspection Category": category,
            "Location Latest Overall Rating": rating or None, "Publication Date": published,
            "Location Region": "London", "Location Local Authority": p["la"],
            "Location ONSPD CCG Code": ccg_code, "Location ONSPD CCG": ccg_name,
            "Location Street Address": p["address"], "Location City": CITY[p["la"]],
            "Location Postal Code": p["postcode"], "Location Latitude": p["lat"],
            "Location Longitude": p["lon"], "Brand ID": brand_id, "Brand Name": brand_name,
            "Provider ID": prov_id, "Provider Name": prov_name, "Provider Ownership Type": ownership,
        })
        return r

    def flag(r, *cols):
        for c in cols:
            assert c in r, c
            r[c] = "Y"

    def care_home_flags(r, kind):
        flag(r, "Regulated activity - Accommodation for persons who require nursing or personal care")
        if kind == "N":
            flag(r, "Service type - Care home service with nursing",
                 "Regulated activity - Treatment of disease, disorder or injury",
                 "Regulated activity - Diagnostic and screening procedures")
        else:
            flag(r, "Service type - Care home service without nursing")

    # (1) Lewisham older people's care homes.
    ratings_ind = {}
    for name, kind, beds, group, district, rating, dementia in OP_HOMES:
        if group:
            bid, bname, pid, pname = NATIONAL[group]
            r = base(name, district, True, beds, brand=(bid, bname), provider=(pid, pname), rating=rating)
        else:
            own = "Individual" if beds < 16 else ("Partnership" if beds < 20 else "Organisation")
            r = base(name, district, True, beds, ownership=own, rating=rating)
        care_home_flags(r, kind)
        flag(r, "Service user band - Older People")
        if dementia:
            flag(r, "Service user band - Dementia")
        if kind == "N" or beds > 30:
            flag(r, "Service user band - Physical Disability")
        if beds >= 60:
            flag(r, "Service user band - Sensory Impairment")
        rows.append(r)
        ratings_ind[name] = rating

    # (2) Lewisham care homes for younger adults (no Older People band).
    for name, beds, band, district in YA_HOMES:
        r = base(name, district, True, beds, rating="Good" if beds != 8 else "Requires improvement")
        care_home_flags(r, "R")
        flag(r, "Service user band - Younger Adults")
        if band == "LD":
            flag(r, "Service user band - Learning disabilities or autistic spectrum disorder")
        else:
            flag(r, "Service user band - Mental Health")
        rows.append(r)

    # (3) Community services in Lewisham.
    dom_districts = ["SE4", "SE6", "SE8", "SE12", "SE13", "SE14", "SE23", "SE26", "BR1"]
    for pid, pname, lname, district in LEAD_AGENCIES:
        r = base(lname, district, False, None, provider=(pid, pname), rating="Good",
                 category="Community based adult social care services")
        flag(r, "Regulated activity - Personal care", "Service type - Domiciliary care service",
             "Service user band - Older People", "Service user band - Younger Adults",
             "Service user band - Dementia", "Service user band - Physical Disability",
             "Service user band - Sensory Impairment", "Service user band - Mental Health",
             "Service user band - Learning disabilities or autistic spectrum disorder")
        rows.append(r)
    dom_ratings = ["Good"] * 20 + ["Requires improvement"] * 6 + [""] * 4 + ["Inadequate"]
    for i, name in enumerate(DOM_NAMES):
        rating = dom_ratings[int(rng.integers(len(dom_ratings)))]
        r = base(name, dom_districts[i % len(dom_districts)], False, None,
                 ownership="Individual" if i % 7 == 3 else "Organisation", rating=rating,
                 category="Community based adult social care services")
        flag(r, "Regulated activity - Personal care", "Service type - Domiciliary care service",
             "Service user band - Older People")
        for band, p in (("Younger Adults", 0.7), ("Dementia", 0.6), ("Physical Disability", 0.6),
                        ("Sensory Impairment", 0.3), ("Mental Health", 0.3),
                        ("Learning disabilities or autistic spectrum disorder", 0.3),
                        ("Children 0-18 years", 0.15)):
            if rng.random() < p:
                flag(r, f"Service user band - {band}")
        rows.append(r)
    for i, (name, band) in enumerate(SUPPORTED_LIVING):
        r = base(name, dom_districts[(i * 2) % len(dom_districts)], False, None,
                 rating="Good" if i != 4 else "Outstanding",
                 category="Community based adult social care services")
        flag(r, "Regulated activity - Personal care", "Service type - Supported living service",
             "Service user band - Younger Adults")
        flag(r, "Service user band - Learning disabilities or autistic spectrum disorder" if band == "LD"
             else "Service user band - Mental Health")
        if band == "LD" and i % 3 == 0:
            flag(r, "Service user band - Physical Disability")
        rows.append(r)
    for name, district, provider in EXTRA_CARE:
        r = base(name, district, False, None, provider=(ids(), provider), rating="Good",
                 category="Community based adult social care services")
        flag(r, "Regulated activity - Personal care", "Service type - Extra Care housing services",
             "Service user band - Older People", "Service user band - Dementia",
             "Service user band - Physical Disability")
        rows.append(r)
    name, district, provider = SHARED_LIVES
    r = base(name, district, False, None, provider=(ids(), provider), rating="Good",
             category="Community based adult social care services")
    flag(r, "Regulated activity - Personal care", "Service type - Shared Lives",
         "Service user band - Learning disabilities or autistic spectrum disorder",
         "Service user band - Younger Adults", "Service user band - Older People")
    rows.append(r)

    # (4) A dormant Lewisham care home (must not be counted) ...
    name, beds, district = DORMANT
    r = base(name, district, True, beds, rating="", dormant="Y")
    care_home_flags(r, "N")
    flag(r, "Service user band - Older People", "Service user band - Dementia")
    rows.append(r)
    # ... and locations in neighbouring authorities, including branches of the national groups.
    for name, district, kind, beds, group in NEIGHBOURS:
        rating = ["Good", "Good", "Requires improvement", "Good", "Outstanding"][int(rng.integers(5))]
        if kind == "D":
            r = base(name, district, False, None, rating=rating,
                     category="Community based adult social care services")
            flag(r, "Regulated activity - Personal care", "Service type - Domiciliary care service",
                 "Service user band - Older People", "Service user band - Younger Adults")
        else:
            if group:
                bid, bname, pid, pname = NATIONAL[group]
                r = base(name, district, True, beds, brand=(bid, bname), provider=(pid, pname), rating=rating)
            else:
                r = base(name, district, True, beds, rating=rating)
            care_home_flags(r, kind)
            flag(r, "Service user band - Older People")
            if rng.random() < 0.6:
                flag(r, "Service user band - Dementia")
        rows.append(r)
    # Opened since the December 2016 edition (market changes): registered in February 2017 and
    # not yet rated. Set after the draws so every other value stays as it was.
    _named(rows, "Manor Park Care Home")["Location HSCA start date"] = dt.datetime(2017, 2, 13)
    return rows


def _named(rows: list[dict], name: str) -> dict:
    return next(r for r in rows if r["Location Name"] == name)


# --- The December 2016 edition: June's locations as they were six months before -------------------
# Homes that closed between the editions (in December, gone by June): (id, name, type, beds, district,
# rating, published).
CLOSED_HOMES = [
    ("1-190000001", "Sydenham Park Nursing Home", "N", 45, "SE26", "Good", dt.datetime(2015, 10, 12)),
    ("1-190000002", "Lee Manor Rest Home", "R", 16, "SE12", "Requires improvement", dt.datetime(2016, 2, 3)),
]
# Ratings as they stood in December where June's differ: name -> (rating, published).
DECEMBER_RATINGS = {
    "Larchfield View": ("Good", dt.datetime(2016, 6, 15)),                   # declined by June
    "Thistle Home Care": ("Requires improvement", dt.datetime(2016, 5, 10)),  # improved by June
    "Willow Domiciliary Care": ("Requires improvement", dt.datetime(2015, 9, 1)),  # improved by June
}
DECEMBER_BEDS = {"Meadowbank House": 70}  # 5 beds added by June


def _december(june: list[dict]) -> list[dict]:
    """The earlier edition: every June location registered by 1 December 2016; a rating published
    after that date is replaced by the one before it (not yet rated for a location registered in
    2016, else the same rating a year earlier), except the changes named above; plus the homes
    that closed."""
    rows = []
    for r in june:
        start = r["Location HSCA start date"]
        if start and start > EARLIER_AS_AT:
            continue  # opened since December
        r = dict(r)
        published = r["Publication Date"]
        if r["Location Name"] in DECEMBER_RATINGS:
            r["Location Latest Overall Rating"], r["Publication Date"] = DECEMBER_RATINGS[r["Location Name"]]
        elif published and published > EARLIER_AS_AT:
            if start >= dt.datetime(2016, 1, 1):
                r["Location Latest Overall Rating"] = r["Publication Date"] = None
            else:
                r["Publication Date"] = published - dt.timedelta(days=365)
        if r["Location Name"] in DECEMBER_BEDS:
            r["Care homes beds"] = DECEMBER_BEDS[r["Location Name"]]
        rows.append(r)
    template = {"N": _named(june, "Sydenham Hill Nursing Home"), "R": _named(june, "Kirkdale Residential Home")}
    for location_id, name, kind, beds, district, rating, published in CLOSED_HOMES:
        r = dict(template[kind])
        lat, lon, _ = DISTRICTS[district]
        r.update({"Location ID": location_id, "Location Name": name, "Care homes beds": beds,
                  "Location Latest Overall Rating": rating, "Publication Date": published,
                  "Location HSCA start date": dt.datetime(2011, 5, 3), "Location Latitude": lat,
                  "Location Longitude": lon, "Location Postal Code": f"{district} 4QX",
                  "Location Street Address": f"12 {STREETS[district][0]}", "Provider ID": location_id.replace("1-19", "1-29"),
                  "Provider Name": name + " Limited"})
        rows.append(r)
    return rows


README_LINES = [
    "HSCA Active Locations - 01 June 2017 (ILLUSTRATIVE SAMPLE)",
    "This is a sample file in the layout of the CQC 'care directory with filters' download.",
    "Location and provider names, addresses, postcodes, IDs, brands and ratings are fictional.",
    "The Lewisham older people's care homes reproduce the figures of the Lewisham Market Position "
    "Statement (June 2017), section 4.1: 18 homes, 672 beds (9 nursing, 482 beds; 9 residential, 190 beds).",
    "One row per active location; flags are Y or blank; Brand ID / Brand Name are '-' when none.",
    "Sheet HSCA_Active_Locations holds the data, header in row 1.",
]


def write(out_dir: Path) -> list[Path]:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    june = _rows()
    paths = [_write_edition(out_dir / FILE, june, README_LINES, dt.datetime(2017, 6, 1)),
             _write_edition(out_dir / EARLIER_FILE, _december(june),
                            [line.replace("01 June 2017", "01 December 2016") for line in README_LINES[:3]]
                            + [README_LINES[4], README_LINES[5]], EARLIER_AS_AT)]
    _write_readme()
    return paths


def _write_edition(path: Path, rows: list[dict], readme: list[str], created: dt.datetime) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "README"
    for line in readme:
        ws.append([line])
    data = wb.create_sheet("HSCA_Active_Locations")
    data.append(HEADER)
    for r in rows:
        data.append([r[h] for h in HEADER])
    date_cols = [HEADER.index("Location HSCA start date") + 1, HEADER.index("Publication Date") + 1]
    for col in date_cols:
        for (cell,) in data.iter_rows(min_row=2, min_col=col, max_col=col):
            if cell.value is not None:
                cell.number_format = "dd/mm/yyyy"
    wb.properties.creator = "mps sample generator"
    wb.properties.created = created
    wb.save(path)
    from .common import normalise_zip
    normalise_zip(path)  # byte-for-byte reproducible
    return path


def _write_readme() -> None:
    text = """## `01_June_2017_HSCA_Active_Locations.xlsx` (CQC care directory with filters) — `cqc.py`

Layout: sheets `README` (six lines of text) and `HSCA_Active_Locations` (header in row 1, no title
rows). The 25 core columns of docs/formats.md s3 in that order, then 13 `Regulated activity - ...`,
23 `Service type - ...` and 12 `Service user band - ...` flag columns (`Y` or blank). Dates
(`Location HSCA start date`, `Publication Date`) are real Excel dates. `Brand ID`/`Brand Name` are
`-` when none; a not-yet-rated location has a blank rating and publication date.

From the seeds (seed 000 s4.1, "672 beds in 18 homes – nine nursing and nine residential"):
- 18 active Lewisham locations with `Care home?` = `Y` and `Service user band - Older People` = `Y`:
  9 with `Service type - Care home service with nursing`, 482 beds (average 54);
  9 with `Service type - Care home service without nursing`, 190 beds (average 21); 672 beds, average 37.
  Each home has exactly one of the two care-home service types.
- "Two thirds of providers are small and independently-owned with the remaining third owned by
  national organisations ... 377 (56%) [beds]": 6 homes carry a Brand (`BD123`, `BD245`, `BD367`,
  three fictional national groups whose providers also run homes in Southwark, Greenwich and
  Bromley in the same file) and hold 377 beds (5 nursing, 1 residential); the 12 independents
  (Brand `-`) hold 295 beds.
- Four lead domiciliary care agencies (seed 000 s4.1, seed 004 s10.2); their provider names are
  the suppliers of the four lead-provider contracts in the council contracts register.
- 3 extra care housing schemes (seed 000 s4.1 "has three schemes") and 1 Shared Lives scheme (s4.2).

Illustrative (not from the seeds):
- All names, addresses, postcodes (real Lewisham districts SE4, SE6, SE8, SE12, SE13, SE14, SE23,
  SE26, BR1 with invented unit codes), coordinates, IDs, dates, ownership types and ratings
  (older people's homes: 13 Good, 3 Requires improvement, 1 Outstanding, 1 not yet rated).
- 8 small Lewisham care homes for younger adults (3-10 beds; LD or MH band, no Older People band),
  which an older-people count must leave out.
- 35 domiciliary care agencies in all (4 lead + 31 others), 10 supported living services
  (`Service type - Supported living service` only, not also domiciliary).
- One dormant Lewisham nursing home (`Dormant (Y/N)` = `Y`, 40 beds, Older People band) that must
  NOT be counted, and 15 locations in Southwark, Greenwich and Bromley (12 care homes, 3 agencies).
- Flag sets are a realistic subset of the 2017 national file, not the complete list.
- Manor Park Care Home registered on 13/02/2017 (it is new, hence not yet rated).

## `01_December_2016_HSCA_Active_Locations.xlsx` (the edition before) — `cqc.py`

The same layout, six months earlier, so that market changes between editions can be checked by hand
(`tests/test_metrics_supply.py`). All illustrative. Between 1 December 2016 and 1 June 2017, in Lewisham:
- opened (in June, not in December): Manor Park Care Home (residential, older people, 12 beds) and
  Alpha Care Agency (domiciliary care, registered 26/12/2016);
- closed (in December, not in June): Sydenham Park Nursing Home (nursing, older people, 45 beds,
  Good) and Lee Manor Rest Home (residential, older people, 16 beds, Requires improvement);
- beds: Meadowbank House had 70 beds in December, 75 in June;
- ratings: Larchfield View declined (Good to Requires improvement, published 20/02/2017); Thistle
  Home Care and Willow Domiciliary Care improved (Requires improvement to Good); seven locations
  registered in 2016 were not yet rated in December and rated by June (Dawn Home Care, Evergreen
  Domiciliary Care, Goldcrest Care, Ivy Lane Care Services, Nightingale Homecare, Yewtree Home
  Support, Linden Grove Extra Care), as were three neighbouring-borough homes registered in 2016;
- every other rating published after 1 December 2016 stands in December as the same rating a year
  earlier. The dormant Rushey Green Nursing Home is dormant in both.
So December has 19 older people's care homes with 716 beds (672 - 12 + 45 + 16 - 5), June 18 with 672.

## Market health facts in the authority's profile (`data/authorities/E09000023/`)

- `profile.toml` `comparators` (set by the profile: Southwark, Lambeth, Greenwich, Hackney, Haringey,
  Waltham Forest): the sample directory holds Southwark and Greenwich (and Bromley) only, so the
  others are named as missing under the quality chart.
- `profile.toml` `[segment_overrides.<segment>]`: three directions the authority sets itself, each
  with its reason from seed 000 (care homes 65+ hold, s3.2; extra care grow, s4.1; Shared Lives grow,
  s4.2).
- `cost_of_care.csv`: the authority's cost-of-care quartiles for 2016-17 (residential 65+ £560 / £612
  / £676 a week, nursing 65+ £642 / £705 / £790, home care £16.40 / £17.25 / £18.30 an hour).
  **Invented**: Lewisham's real cost-of-care exercise is not in the seeds.
"""
    (Path(__file__).parent / "readme_cqc.md").write_text(text, encoding="utf-8")
