"""Builders for the participant area's tests (sign-up data, registrations with tickets)."""

from __future__ import annotations

from typing import Any

from jobbforum.models import Role
from jobbforum.services import registrations


def sign_up_data(**kw: Any) -> registrations.SignUpData:
    data: dict[str, Any] = dict(role=Role.visitor, name="Amina Hassan", email="amina@example.com",
                                phone="", consent=True, preferred_language="sv")
    data.update(kw)
    return registrations.SignUpData(**data)


def sign_up(event: Any, **kw: Any) -> registrations.SignUpResult:
    """Sign up through the service and commit."""
    from jobbforum.extensions import db

    result = registrations.sign_up(event, sign_up_data(**kw))
    db.session.commit()
    return result


def decode_qr_codes(pdf: bytes, workdir: Any, *, dpi: int = 150) -> list[str]:
    """Render every page of ``pdf`` with pdftoppm and decode every QR code on it with zbarimg."""
    import subprocess
    from pathlib import Path

    from tests.conftest import require_binary

    pdftoppm, zbarimg = require_binary("pdftoppm"), require_binary("zbarimg")
    workdir = Path(workdir)
    (workdir / "doc.pdf").write_bytes(pdf)
    subprocess.run([pdftoppm, "-png", "-r", str(dpi), str(workdir / "doc.pdf"), str(workdir / "page")],
                   check=True)
    codes: list[str] = []
    for image in sorted(workdir.glob("page*.png")):
        result = subprocess.run([zbarimg, "--raw", "-q", "-Sdisable", "-Sqrcode.enable", str(image)],
                                capture_output=True, text=True)
        codes += [line for line in result.stdout.splitlines() if line]
    return codes


def decode_png(png: bytes, workdir: Any) -> list[str]:
    """Decode the QR codes in a PNG (e.g. a screenshot) with zbarimg."""
    import subprocess
    from pathlib import Path

    from tests.conftest import require_binary

    zbarimg = require_binary("zbarimg")
    path = Path(workdir) / "shot.png"
    path.write_bytes(png)
    result = subprocess.run([zbarimg, "--raw", "-q", "-Sdisable", "-Sqrcode.enable", str(path)],
                            capture_output=True, text=True)
    return [line for line in result.stdout.splitlines() if line]
