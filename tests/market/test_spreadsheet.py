"""Hostile roster uploads: each is refused (413/422) quickly and in bounded memory, for the
vendor import and the student import alike. Every hostile file is built here."""

import io
import time
import tracemalloc
import zipfile
from collections.abc import Callable
from functools import cache

import pytest
from openpyxl import Workbook
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from market.spreadsheet import MAX_ROWS, read_table
from tests.factories import bearer, make_market, make_school, make_user

VENDOR_HEADER = ["Sạp", "Họ và tên", "Số điện thoại", "Ngân hàng", "Số tài khoản"]
STUDENT_HEADER = ["Mã học sinh", "Họ và tên", "Lớp", "Phụ huynh", "SĐT phụ huynh"]
SECONDS = 5.0  # generous (a shared, loaded machine): each answer takes well under a second
PEAK_BYTES = 120 * 1024 * 1024  # generous: the upload itself is up to 10 MB


def workbook(rows: list[list]) -> bytes:
    """A genuine XLSX written by openpyxl (text in shared strings, as Excel stores it)."""
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006"
ML = "application/vnd.openxmlformats-officedocument.spreadsheetml"
SKELETON = {
    "[Content_Types].xml": f'<Types xmlns="{PKG}/content-types">'
    f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{ML}.sheet.main+xml"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{ML}.worksheet+xml"/>'
    f'<Override PartName="/xl/sharedStrings.xml" ContentType="{ML}.sharedStrings+xml"/>'
    "</Types>",
    "_rels/.rels": f'<Relationships xmlns="{PKG}/relationships"><Relationship Id="rId1" '
    f'Type="{DOC}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml": f'<workbook xmlns="{MAIN}" xmlns:r="{DOC}"><sheets>'
    '<sheet name="Danh sach" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{PKG}/relationships">'
    f'<Relationship Id="rId1" Type="{DOC}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{DOC}/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>",
}
SHEET = "xl/worksheets/sheet1.xml"
SHARED = "xl/sharedStrings.xml"


def handmade(sheet: str | bytes, shared: str | bytes | Callable = "") -> bytes:
    """A minimal XLSX; the shared strings as text, or a callable(sink) that streams them."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in SKELETON.items():
            archive.writestr(name, text)
        archive.writestr(SHEET, sheet)
        if callable(shared):
            with archive.open(SHARED, "w", force_zip64=True) as sink:
                shared(sink)
        else:
            archive.writestr(SHARED, shared or f'<sst xmlns="{MAIN}"/>')
    return out.getvalue()


def sheet_xml(rows: str, prolog: str = "", dimension: str = "") -> str:
    """A worksheet holding rows (<row> elements)."""
    ref = f'<dimension ref="{dimension}"/>' if dimension else ""
    return f'{prolog}<worksheet xmlns="{MAIN}">{ref}<sheetData>{rows}</sheetData></worksheet>'


def text_row(values: list[str]) -> str:
    """A <row> of inline strings."""
    return "<row>" + "".join(f'<c t="inlineStr"><is><t>{v}</t></is></c>' for v in values) + "</row>"


def lying_dimension(header: list[str], rows: list[list]) -> bytes:
    """A real roster whose sheet claims to be 16,384 columns wide."""
    body = "".join(text_row(r) for r in [header, *rows])
    return handmade(sheet_xml(body, dimension=f"A1:XFD{len(rows) + 1}"))


def two_hundred_thousand_rows(header: list[str]) -> bytes:
    """A 30 KB workbook that unpacks to 200,000 rows and claims 16,384 columns for each."""
    body = text_row(header) + text_row(["x"]) * 200_000
    return handmade(sheet_xml(body, dimension="A1:XFD200001"))


def one_row_too_many(header: list[str]) -> bytes:
    """An honest workbook of MAX_ROWS + 1 distinct rows below the header."""
    return workbook([header] + [[f"R{n}", f"Người {n}"] for n in range(MAX_ROWS + 1)])


@cache  # deflating 500 MB takes seconds: built once for both imports
def huge_shared_string(megabytes: int = 500) -> bytes:
    """A 0.5 MB workbook whose shared strings hold one 500 MB string, used by a cell."""

    def stream(sink):
        sink.write(f'<sst xmlns="{MAIN}"><si><t>'.encode())
        chunk = b"A" * (1024 * 1024)
        for _ in range(megabytes):
            sink.write(chunk)
        sink.write(b"</t></si></sst>")

    return handmade(sheet_xml('<row><c t="s"><v>0</v></c></row>'), stream)


def billion_laughs(header: list[str]) -> bytes:
    """Nested entities that expand to gigabytes, in the shared strings a cell uses."""
    levels = ['<!ENTITY lol0 "lollollollollollollollollollol">'] + [
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)
    ]
    shared = (
        f'<?xml version="1.0"?><!DOCTYPE sst [{"".join(levels)}]>'
        f'<sst xmlns="{MAIN}"><si><t>&lol9;</t></si></sst>'
    )
    return handmade(sheet_xml(text_row(header) + '<row><c t="s"><v>0</v></c></row>'), shared)


def external_entity(header: list[str]) -> bytes:
    """A cell whose text is an external entity pointing at a file on the server."""
    prolog = '<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    return handmade(sheet_xml(text_row(header) + text_row(["&xxe;"]), prolog=prolog))


def many_csv_lines(header: list[str], lines: int = 4_500_000) -> bytes:
    """A 9 MB CSV of 4.5 million short lines."""
    return (",".join(header) + "\n").encode() + b"1\n" * lines


def endless_csv_line(header: list[str]) -> bytes:
    """A CSV whose second line is 9 MB of separators: millions of empty cells."""
    return (",".join(header) + "\n").encode() + b"," * (9 * 1024 * 1024) + b"\n"


@pytest.fixture(params=["vendors", "students"])
def roster(request, session):
    """(header, post(data, name) -> response) for the vendor or the student import."""
    if request.param == "vendors":
        market = make_market(session)
        token = make_user(session, "market_manager", market_id=market.id)[1]
        url, header = f"/api/v1/markets/{market.code}/vendors/import", VENDOR_HEADER
    else:
        school = make_school(session)
        token = make_user(session, "school_admin", school_id=school.id)[1]
        url, header = f"/api/v1/schools/{school.code}/students/import", STUDENT_HEADER

    def post(client, data: bytes, name: str):
        # Encoded here, in memory: the test client would spool a large body to a temporary
        # file that it never closes.
        boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(data), name)})
        return client.post(
            f"{url}?dry_run=true",
            headers=bearer(token),
            data=body,
            content_type=f"multipart/form-data; boundary={boundary}",
        )

    return header, post


def measured(call):
    """(what call returned, seconds, peak bytes allocated while it ran)."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        response = call()
        return response, time.perf_counter() - started, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def assert_refused(status: int, response, seconds: float, peak: int) -> None:
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/problem+json"
    assert "file" in response.json["errors"]
    assert seconds < SECONDS, f"took {seconds:.2f} s"
    assert peak < PEAK_BYTES, f"peak {peak / 2**20:.0f} MB"


def test_a_roster_claiming_16384_columns_is_read_for_what_it_holds():
    rows = [[f"A-{n}", "Nguyễn Thị Hoa", "0901234567", "VCB", f"12345{n}"] for n in range(1000)]
    data = lying_dimension(VENDOR_HEADER, rows)
    table, seconds, peak = measured(lambda: read_table(data, "danh-sach.xlsx"))
    assert table.headers == VENDOR_HEADER
    assert [cells for _, cells in table.rows] == rows
    assert seconds < SECONDS, f"took {seconds:.2f} s"
    assert peak < PEAK_BYTES, f"peak {peak / 2**20:.0f} MB"


def test_a_30_kb_workbook_of_200000_rows_by_16384_columns_is_refused_unopened(client, roster):
    header, post = roster
    data = two_hundred_thousand_rows(header)
    assert len(data) < 40_000
    assert_refused(413, *measured(lambda: post(client, data, "danh-sach.xlsx")))


def test_a_workbook_one_row_over_the_roster_limit_is_refused(client, roster):
    header, post = roster
    data = one_row_too_many(header)
    started = time.perf_counter()
    response = post(client, data, "danh-sach.xlsx")
    # An honest file is read up to the limit: the time of the largest roster allowed.
    assert time.perf_counter() - started < 3 * SECONDS
    assert response.status_code == 413, response.get_data(as_text=True)[:500]
    assert f"{MAX_ROWS:,}" in response.json["detail"]


def test_a_half_megabyte_workbook_with_a_500_mb_shared_string_is_refused(client, roster):
    header, post = roster
    data = huge_shared_string()
    assert len(data) < 600_000
    assert_refused(413, *measured(lambda: post(client, data, "danh-sach.xlsx")))


def test_a_9_mb_csv_of_4_5_million_lines_is_refused(client, roster):
    header, post = roster
    data = many_csv_lines(header)
    assert 9_000_000 <= len(data) < 10 * 1024 * 1024
    assert_refused(413, *measured(lambda: post(client, data, "danh-sach.csv")))


def test_a_csv_line_of_millions_of_empty_cells_is_refused(client, roster):
    header, post = roster
    data = endless_csv_line(header)
    assert_refused(413, *measured(lambda: post(client, data, "danh-sach.csv")))


def test_a_billion_laughs_workbook_is_refused_as_unreadable(client, roster):
    header, post = roster
    data = billion_laughs(header)
    assert_refused(422, *measured(lambda: post(client, data, "danh-sach.xlsx")))


def test_an_external_entity_in_a_workbook_is_refused_and_reads_no_server_file(client, roster):
    header, post = roster
    data = external_entity(header)
    response, seconds, peak = measured(lambda: post(client, data, "danh-sach.xlsx"))
    assert_refused(422, response, seconds, peak)
    assert "root:" not in response.get_data(as_text=True)


def test_a_roster_at_the_limit_with_blank_padding_below_is_read(client, roster):
    header, post = roster
    data = (",".join(header) + "\n").encode() + b"R1,Nguyen A\n" + b",,,\n" * (MAX_ROWS + 50)
    response = post(client, data, "danh-sach.csv")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.json["rows"] == 1
