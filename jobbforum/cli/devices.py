"""``jobbforum devices``: door device tokens for shared tablets."""

from __future__ import annotations

import click

from jobbforum.extensions import db
from jobbforum.services import devices as device_service
from jobbforum.services import events
from jobbforum.services.errors import DomainError


@click.group(help="Door devices (shared tablets at a gate) and their tokens.")
def devices() -> None:
    pass


@devices.command("create")
@click.argument("event_slug")
@click.option("--gate", required=True, help="Where the device stands, e.g. 'Norra entrén'.")
def create(event_slug: str, gate: str) -> None:
    """Create a device for EVENT_SLUG at GATE and print ONLY its token (shown once)."""
    try:
        event = events.get_event(event_slug)
        _device, token = device_service.create_device(event, gate, actor_label="cli")
    except DomainError as error:
        raise click.ClickException(error.message) from error
    db.session.commit()
    click.echo(token)


@devices.command("revoke")
@click.argument("event_slug")
@click.option("--gate", help="Revoke every active device at this gate.")
@click.option("--id", "device_id", type=int, help="Revoke the device with this id.")
def revoke(event_slug: str, gate: str | None, device_id: int | None) -> None:
    """Revoke devices of EVENT_SLUG by --gate or --id; their tokens stop working at once."""
    if (gate is None) == (device_id is None):
        raise click.UsageError("Give exactly one of --gate or --id.")
    try:
        event = events.get_event(event_slug)
        if device_id is not None:
            found = [device_service.get_device(event, device_id)]
        else:
            found = [d for d in device_service.find_devices(event, gate) if d.revoked_at is None]
    except DomainError as error:
        raise click.ClickException(error.message) from error
    if not found:
        raise click.ClickException("No active device matches.")
    for device in found:
        device_service.revoke_device(device, actor_label="cli")
    db.session.commit()
    click.echo(f"Revoked {len(found)} device(s).", err=True)


@devices.command("list")
@click.argument("event_slug")
def list_devices(event_slug: str) -> None:
    """List EVENT_SLUG's devices (never their tokens)."""
    try:
        event = events.get_event(event_slug)
    except DomainError as error:
        raise click.ClickException(error.message) from error
    for device in device_service.find_devices(event):
        state = "revoked" if device.revoked_at else "active"
        seen = device.last_seen_at.isoformat() if device.last_seen_at else "-"
        click.echo(f"{device.id}\t{device.gate}\t{state}\tlast seen {seen}")
