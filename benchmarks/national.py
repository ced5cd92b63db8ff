"""National-size files in the publishers' real layouts, with synthetic values, for benchmarks and
tests. Nothing here is committed as data: each writer generates its file into a folder the caller
gives (a temporary one), deterministically (seeded).

    write_gp_quinary(path)    NHS Digital patients by practice, sex and quinary age, ~273k rows
    write_fingertips(path)    OHID Fingertips data CSV, 27 columns, ~600k rows
    write_ons_snpp(path)      ONS 2022-based SNPP persons CSV shape, ~400 areas x 92 ages x 26 years
    write_cqc_xlsx(path)      CQC HSCA_Active_Locations, 50k locations x 119 columns
    write_cqc_ods(path)       the same directory as OpenDocument

The spreadsheets are written as their XML parts directly (zipfile, streamed), because openpyxl
and odfpy would take minutes for six million cells.
"""
from __future__ import annotations

import datetime as dt
import random
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from loaders import cqc

GP_BANDS = ["ALL"] + [f"{lo}_{lo + 4}" for lo in range(0, 95, 5)] + ["95+"]


def _areas(n_la: int = 150):
    """England, nine regions and ``n_la`` upper-tier authorities with their region."""
    regions = [f"E1200000{i}" for i in range(1, 10)]
    las = [(f"E0{6 + i % 5}00{i:04d}", f"Authority {i}", regions[i % 9]) for i in range(n_la)]
    return regions, las


def write_gp_quinary(path: Path, practices: int = 6_500, extra: list[str] | None = None) -> int:
    """Every practice in England by sex (MALE, FEMALE) and age (ALL, 0_4 ... 95+): 42 rows each,
    after a few sub-ICB rows, as the national `gp-reg-pat-prac-quin-age.csv`. ``extra`` lines
    (without the header) are appended, e.g. one authority's sample rows. Returns data rows."""
    rnd = random.Random(14)
    head = "PUBLICATION,EXTRACT_DATE,ORG_TYPE,ORG_CODE,ONS_CODE,POSTCODE,SEX,AGE_GROUP_5,NUMBER_OF_PATIENTS\n"
    n = 0
    with open(path, "w", encoding="latin-1", newline="") as f:
        f.write(head)
        for icb in range(106):
            for band in GP_BANDS:
                f.write(f"GP_PRAC_PAT_LIST,01APR2017,SUB_ICB_LOCATION,{icb:02d}X,E3800{icb:04d},NA,ALL,{band},"
                        f"{rnd.randint(1000, 90000)}\n")
                n += 1
        lines = []
        for p in range(practices):
            code = f"{chr(65 + p % 26)}9{p:04d}"  # no real ODS code has a 9 here: no clash with a sample
            postcode = f"{chr(65 + p % 23)}{p % 90 + 1} {p % 9}{chr(65 + p % 26)}{chr(66 + p % 24)}"
            for sex in ("MALE", "FEMALE"):
                counts = [rnd.randint(0, 900) for _ in GP_BANDS[1:]]
                lines.append(f"GP_PRAC_PAT_LIST,01APR2017,GP,{code},NA,{postcode},{sex},ALL,{sum(counts)}\n")
                lines.extend(f"GP_PRAC_PAT_LIST,01APR2017,GP,{code},NA,{postcode},{sex},{band},{c}\n"
                             for band, c in zip(GP_BANDS[1:], counts))
            if len(lines) > 50_000:
                f.writelines(lines)
                n += len(lines)
                lines = []
        f.writelines(lines)
        n += len(lines)
        for line in extra or []:
            f.write(line if line.endswith("\n") else line + "\n")
            n += 1
    return n


FINGERTIPS_HEADER = ("Indicator ID,Indicator Name,Parent Code,Parent Name,Area Code,Area Name,Area Type,Sex,Age,"
                     "Category Type,Category,Time period,Value,Lower CI 95.0 limit,Upper CI 95.0 limit,"
                     "Lower CI 99.8 limit,Upper CI 99.8 limit,Count,Denominator,Value note,Recent Trend,"
                     "Compared to England value or percentiles,Compared to Region value or percentiles,"
                     "Time period Sortable,New data,Compared to goal,Time period range")


def write_fingertips(path: Path, rows: int = 600_000) -> int:
    """Indicators x areas (England, regions, 150 authorities) x periods x sexes, with deprivation
    breakdowns for some, until ``rows`` data rows; written with a UTF-8 BOM as the site does."""
    rnd = random.Random(15)
    regions, las = _areas()
    areas = ([("E92000001", "England", "England", "", "")]
             + [(r, f"Region {r[-1]}", "Region", "E92000001", "England") for r in regions]
             + [(c, name, "Counties & UAs (from Apr 2023)", reg, f"Region {reg[-1]}") for c, name, reg in las])
    periods = [f"{y}/{(y + 1) % 100:02d}" for y in range(2010, 2023)]
    compare = ["Better", "Similar", "Worse", "Not compared"]
    n, indicator = 0, 0
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        f.write(FINGERTIPS_HEADER + "\n")
        while n < rows:
            indicator += 1
            iid, name = 90000 + indicator, f"Synthetic indicator {indicator}: rate per 100,000, aged 65 and over"
            breakdown = indicator % 4 == 0
            out = []
            for period in periods:
                for sex in ("Persons", "Male", "Female"):
                    for code, aname, atype, pcode, pname in areas:
                        cats = [("", "")] + ([("LSOA11 deprivation deciles within area (IMD2015)", f"Decile {d}")
                                             for d in range(1, 11)] if breakdown and atype != "Region" else [])
                        for ctype, cat in cats:
                            v = rnd.uniform(10, 3000)
                            count = rnd.randint(5, 20000)
                            out.append(f'{iid},"{name}",{pcode},{pname},{code},{aname},{atype},{sex},65+ yrs,'
                                       f"{ctype},{cat},{period},{v:.1f},{v * 0.95:.6f},{v * 1.05:.6f},"
                                       f"{v * 0.93:.6f},{v * 1.07:.6f},{count},{count * 40},,"
                                       f"No significant change,{rnd.choice(compare)},{rnd.choice(compare)},"
                                       f"{period[:4]}0000,,,1y\n")
                            n += 1
                            if n >= rows:
                                break
                        if n >= rows:
                            break
                    if n >= rows:
                        break
                if n >= rows:
                    break
            f.writelines(out)
    return n


def write_ons_snpp(path: Path, areas: int = 400, first_year: int = 2022, years: int = 26) -> int:
    """SNPP persons: areas x single years of age (0..89, `90 and over`, `All ages`) x one column
    per projection year, values with decimals as the 2018-based and later files give them."""
    rnd = random.Random(16)
    ages = [str(a) for a in range(90)] + ["90 and over", "All ages"]
    year_cols = [str(first_year + k) for k in range(years)]
    n = 0
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write("AREA_CODE,AREA_NAME,COMPONENT,SEX,AGE_GROUP," + ",".join(year_cols) + "\n")
        for a in range(areas):
            code, name = f"E0{6 + a % 5}00{a:04d}", f"Area {a}"
            for age in ages:
                base = rnd.uniform(200, 5000) * (90 if age == "All ages" else 1)
                values = ",".join(f"{base * (1 + k / 200):.3f}" for k in range(years))
                f.write(f"{code},{name},Population,persons,{age},{values}\n")
                n += 1
    return n


CQC_CORE = cqc.HEADER_COLUMNS  # the directory's own columns, in the publisher's order
CQC_FLAGS = ([f"Regulated activity - Activity {i}" for i in range(15)]
             + [f"Service type - Type {i}" for i in range(40)]
             + ["Service type - Care home service with nursing", "Service type - Care home service without nursing"]
             + [f"Service user band - Band {i}" for i in range(36)] + ["Service user band - Older People"])


def cqc_rows(rows: int):
    """The directory's rows (header first) as Python values: text, numbers, dates, None."""
    rnd = random.Random(17)
    yield CQC_CORE + CQC_FLAGS
    las = [f"Authority {i}" for i in range(150)]
    for i in range(rows):
        home = rnd.random() < 0.3
        core = [f"1-{100000 + i}", dt.date(2010, 1, 1), "N", "Y" if home else "N", f"Location {i}",
                rnd.randint(5, 120) if home else None, "Social Care Org", "Adult social care",
                "Residential social care", rnd.choice(["Good", "Outstanding", "Requires improvement", None]),
                dt.date(2023, 5, 1), "London", rnd.choice(las), "08L", "NHS CCG", "1 High St", "Town",
                "SE6 1AA", round(51.4 + rnd.random() / 10, 6), round(-0.05 + rnd.random() / 10, 6), "-", "-",
                f"1-{i // 3}", f"Provider {i // 3}", "Organisation"]
        yield core + ["Y" if rnd.random() < 0.05 else None for _ in CQC_FLAGS]


def _col(j: int) -> str:
    s = ""
    j += 1
    while j:
        j, r = divmod(j - 1, 26)
        s = chr(65 + r) + s
    return s


_EXCEL_EPOCH = dt.date(1899, 12, 30)


_XML = '<?xml version="1.0" encoding="UTF-8"?>'
_OOXML = "http://schemas.openxmlformats.org"
_MAIN = f"{_OOXML}/spreadsheetml/2006/main"
_RELS = f"{_OOXML}/package/2006/relationships"
_DOC_RELS = f"{_OOXML}/officeDocument/2006/relationships"
_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def write_cqc_xlsx(path: Path, rows: int = 50_000) -> int:
    """The directory as .xlsx (a README sheet, then HSCA_Active_Locations), inline strings, dates
    as serial numbers with a date style, as Excel writes them."""
    sheets = ["README", "HSCA_Active_Locations"]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", _XML + f'<Types xmlns="{_OOXML}/package/2006/content-types">'
                   f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Default Extension="xml" ContentType="application/xml"/>'
                   f'<Override PartName="/xl/workbook.xml" ContentType="{_TYPE}.sheet.main+xml"/>'
                   f'<Override PartName="/xl/styles.xml" ContentType="{_TYPE}.styles+xml"/>'
                   + "".join(f'<Override PartName="/xl/worksheets/sheet{k + 1}.xml" '
                             f'ContentType="{_TYPE}.worksheet+xml"/>' for k in range(2))
                   + "</Types>")
        z.writestr("_rels/.rels", _XML + f'<Relationships xmlns="{_RELS}"><Relationship Id="rId1" '
                   f'Type="{_DOC_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", _XML + f'<workbook xmlns="{_MAIN}" xmlns:r="{_DOC_RELS}"><sheets>'
                   + "".join(f'<sheet name="{s}" sheetId="{k + 1}" r:id="rId{k + 1}"/>' for k, s in enumerate(sheets))
                   + "</sheets></workbook>")
        z.writestr("xl/_rels/workbook.xml.rels", _XML + f'<Relationships xmlns="{_RELS}">'
                   + "".join(f'<Relationship Id="rId{k + 1}" Type="{_DOC_RELS}/worksheet" '
                             f'Target="worksheets/sheet{k + 1}.xml"/>' for k in range(2))
                   + f'<Relationship Id="rId9" Type="{_DOC_RELS}/styles" Target="styles.xml"/></Relationships>')
        z.writestr("xl/styles.xml", _XML + f'<styleSheet xmlns="{_MAIN}">'
                   '<fonts count="1"><font/></fonts><fills count="1"><fill/></fills><borders count="1"><border/>'
                   '</borders><cellStyleXfs count="1"><xf/></cellStyleXfs><cellXfs count="2"><xf/>'
                   '<xf numFmtId="14" applyNumberFormat="1"/></cellXfs></styleSheet>')
        head = _XML + f'<worksheet xmlns="{_MAIN}"><sheetData>'
        z.writestr("xl/worksheets/sheet1.xml", head + '<row r="1"><c r="A1" t="inlineStr"><is><t>Synthetic '
                   'national-size directory for benchmarking</t></is></c></row></sheetData></worksheet>')
        with z.open("xl/worksheets/sheet2.xml", "w", force_zip64=True) as f:
            f.write(head.encode())
            buf = []
            for i, row in enumerate(cqc_rows(rows), start=1):
                cells = []
                for j, v in enumerate(row):
                    if v is None:
                        continue
                    ref = f"{_col(j)}{i}"
                    if isinstance(v, str):
                        cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{escape(v)}</t></is></c>')
                    elif isinstance(v, dt.date):
                        cells.append(f'<c r="{ref}" s="1"><v>{(v - _EXCEL_EPOCH).days}</v></c>')
                    else:
                        cells.append(f'<c r="{ref}"><v>{v}</v></c>')
                buf.append(f'<row r="{i}">' + "".join(cells) + "</row>")
                if len(buf) >= 2000:
                    f.write("".join(buf).encode())
                    buf = []
            f.write(("".join(buf) + "</sheetData></worksheet>").encode())
    return rows


def write_cqc_ods(path: Path, rows: int = 50_000) -> int:
    """The directory as OpenDocument (.ods), the format CQC publishes; blank runs repeated as
    LibreOffice writes them."""
    ns = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("META-INF/manifest.xml", _XML + '<manifest:manifest '
                   'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                   '<manifest:file-entry manifest:full-path="/" '
                   'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                   '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                   "</manifest:manifest>")
        with z.open("content.xml", "w", force_zip64=True) as f:
            f.write(f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns} office:version="1.2">'
                    '<office:body><office:spreadsheet><table:table table:name="README"><table:table-row>'
                    '<table:table-cell office:value-type="string"><text:p>Synthetic national-size directory '
                    'for benchmarking</text:p></table:table-cell></table:table-row></table:table>'
                    '<table:table table:name="HSCA_Active_Locations">'.encode())
            buf = []
            for row in cqc_rows(rows):
                cells, blanks = [], 0
                for v in row:
                    if v is None:
                        blanks += 1
                        continue
                    if blanks:
                        cells.append(f'<table:table-cell table:number-columns-repeated="{blanks}"/>'
                                     if blanks > 1 else "<table:table-cell/>")
                        blanks = 0
                    if isinstance(v, str):
                        cells.append(f'<table:table-cell office:value-type="string"><text:p>{escape(v)}</text:p>'
                                     "</table:table-cell>")
                    elif isinstance(v, dt.date):
                        cells.append(f'<table:table-cell office:value-type="date" office:date-value="{v.isoformat()}">'
                                     f"<text:p>{v:%d/%m/%Y}</text:p></table:table-cell>")
                    else:
                        cells.append(f'<table:table-cell office:value-type="float" office:value="{v}">'
                                     f"<text:p>{v}</text:p></table:table-cell>")
                buf.append("<table:table-row>" + "".join(cells) + "</table:table-row>")
                if len(buf) >= 2000:
                    f.write("".join(buf).encode())
                    buf = []
            f.write(("".join(buf) + "</table:table></office:spreadsheet></office:body>"
                     "</office:document-content>").encode())
    return rows


WRITERS = {
    "GP quinary CSV": ("gp-reg-pat-prac-quin-age.csv", write_gp_quinary),
    "Fingertips CSV": ("fingertips_indicators.csv", write_fingertips),
    "ONS SNPP persons CSV": ("SNPP Population persons.csv", write_ons_snpp),
    "CQC directory .xlsx": ("01_May_2024_HSCA_Active_Locations.xlsx", write_cqc_xlsx),
    "CQC directory .ods": ("01_May_2024_HSCA_Active_Locations.ods", write_cqc_ods),
}
