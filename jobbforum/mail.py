"""The one way the app sends mail: SMTP from ``JOBBFORUM_MAIL_URL``, or .eml files in the outbox.

``smtp://host:port`` sends plainly, ``smtp+starttls://user:password@host:587`` upgrades with
STARTTLS, ``smtps://…`` uses implicit TLS. Without a URL, messages are written as ``.eml``
files to ``instance/outbox/`` so a developer can open them.
"""

from __future__ import annotations

import smtplib
import ssl
import uuid
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from urllib.parse import unquote, urlsplit


class MailError(RuntimeError):
    """The message could not be handed to the mail server."""


@dataclass
class Attachment:
    filename: str
    content: bytes
    mimetype: str = "application/pdf"


@dataclass
class Message:
    to: str
    subject: str
    text: str
    html: str | None = None
    attachments: list[Attachment] = field(default_factory=list)


def build(message: Message, sender: str) -> EmailMessage:
    """A MIME message with a plain-text part, an optional HTML alternative and attachments."""
    mime = EmailMessage()
    mime["From"] = sender
    mime["To"] = message.to
    mime["Subject"] = message.subject
    mime["Date"] = formatdate(localtime=False)
    mime["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1].strip(">") or "localhost")
    mime.set_content(message.text)
    if message.html:
        mime.add_alternative(message.html, subtype="html")
    for attachment in message.attachments:
        maintype, subtype = attachment.mimetype.split("/", 1)
        mime.add_attachment(attachment.content, maintype=maintype, subtype=subtype,
                            filename=attachment.filename)
    return mime


def send(message: Message, *, mail_url: str | None, sender: str, outbox_dir: str | Path,
         timeout: float = 10.0) -> None:
    """Deliver ``message``; raises :class:`MailError` on any failure (the caller decides to retry)."""
    mime = build(message, sender)
    if not mail_url:
        outbox = Path(outbox_dir)
        outbox.mkdir(parents=True, exist_ok=True)
        (outbox / f"{uuid.uuid4().hex}.eml").write_bytes(bytes(mime))
        return
    url = urlsplit(mail_url)
    host, port = url.hostname or "localhost", url.port
    try:
        if url.scheme == "smtps":
            client: smtplib.SMTP = smtplib.SMTP_SSL(host, port or 465, timeout=timeout,
                                                    context=ssl.create_default_context())
        elif url.scheme in ("smtp", "smtp+starttls"):
            client = smtplib.SMTP(host, port or 25, timeout=timeout)
        else:
            raise MailError(f"Unsupported mail URL scheme {url.scheme!r}")
        with client:
            if url.scheme == "smtp+starttls":
                client.starttls(context=ssl.create_default_context())
            if url.username:
                client.login(unquote(url.username), unquote(url.password or ""))
            client.send_message(mime)
    except (OSError, smtplib.SMTPException) as exc:
        raise MailError(str(exc)) from exc
