"""``jobbforum survey import``: baseline and result survey files."""

from __future__ import annotations

from pathlib import Path

import click

from jobbforum.cli.export import cli_actor
from jobbforum.extensions import db
from jobbforum.models import SurveyKind
from jobbforum.services import surveys


@click.group(help="Survey responses (baseline and result).")
def survey() -> None:
    pass


def _echo_preview(preview: surveys.ImportPreview) -> None:
    for error in preview.errors:
        click.echo(str(error), err=True)
    s = preview.summary()
    click.echo(f"{s['rows']} valid rows: {s['new']} new, {s['unchanged']} unchanged, "
               f"{s['changed']} would replace a stored response; {s['errors']} errors.")


@survey.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--kind", type=click.Choice([k.value for k in SurveyKind]), required=True)
@click.option("--dry-run", is_flag=True, help="Only show what would change.")
@click.option("--replace", is_flag=True, help="Replace stored responses that differ.")
def import_(file: Path, kind: str, dry_run: bool, replace: bool) -> None:
    """Import FILE (CSV or XLSX). Any error: nothing is imported."""
    data = file.read_bytes()
    if dry_run:
        preview = surveys.preview_import(data, file.name, SurveyKind(kind))
        _echo_preview(preview)
        if not preview.ok:
            raise SystemExit(1)
        return
    try:
        preview = surveys.import_survey(data, file.name, SurveyKind(kind), replace=replace,
                                        actor_label=cli_actor())
    except surveys.SurveyImportError as error:
        _echo_preview(error.preview)
        raise click.ClickException(error.message) from error
    except surveys.ReplaceNeedsConfirmation as error:
        _echo_preview(error.preview)
        raise click.ClickException(error.message + " (use --replace)") from error
    db.session.commit()
    _echo_preview(preview)
    click.echo(f"Imported: {len(preview.new)} new, {len(preview.changed)} replaced.")
