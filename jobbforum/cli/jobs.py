"""``jobbforum jobs``: background jobs for cron (idempotent, safe on several hosts)."""

from __future__ import annotations

import click

from jobbforum.services import jobs as job_service


@click.group(help="Background jobs (run from cron, e.g. every 5 minutes).")
def jobs() -> None:
    pass


@jobs.command("run")
@click.argument("names", nargs=-1)
def run(names: tuple[str, ...]) -> None:
    """Run NAMES (default: every job) once."""
    unknown = [n for n in names if n not in job_service.JOBS]
    if unknown:
        raise click.BadParameter(f"unknown job(s) {', '.join(unknown)}; known: "
                                 f"{', '.join(sorted(job_service.JOBS))}")
    for result in job_service.run_jobs(list(names) or None):
        click.echo(f"{result.name}: {result.summary}")


@jobs.command("list")
def list_jobs() -> None:
    """List the jobs."""
    for name in sorted(job_service.JOBS):
        click.echo(name)
