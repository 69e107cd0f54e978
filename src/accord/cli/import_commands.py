"""``accord import`` and ``accord data …``: load files and list what the imports left for review."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from accord.cli.commands import open_workspace_database
from accord.cli.main import cli
from accord.cli.options import as_utc, at_option, workspace_option

if TYPE_CHECKING:
    from accord.services.imports import ImportReport

KINDS = ["accounts", "leads", "activities", "opportunities", "users", "spend"]


@cli.command("import")
@workspace_option()
@click.argument("kind", type=click.Choice(KINDS))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--mapping",
    metavar="PATH_OR_PRESET",
    help="A mapping file (YAML) or a preset name that turns a foreign export into KIND's columns.",
)
@click.option("--dry-run", is_flag=True, help="Do everything and report the counts, then write nothing.")
@click.option(
    "--rejects",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where rejected rows are written (CSV). Default: FILE.rejected.csv.",
)
@at_option()
def import_command(
    workspace: str | None,
    kind: str,
    file: Path,
    mapping: str | None,
    dry_run: bool,
    rejects: Path | None,
    at: datetime | None,
) -> None:
    """Import FILE (CSV or JSON lines) as KIND: accounts, leads, activities, opportunities, users, spend.

    Idempotent by external id: rows seen before are unchanged, changed rows are updated (and the
    change kept in history). Prints inserted / updated / unchanged / rejected per kind; rejected rows
    go to the rejects file with line, field, value and reason. Exit code 0 when the import ran, even
    with rejected rows; 65 when the file or mapping cannot be used; 75 when a batch failed (re-run
    to finish). See docs/import-behaviour.md.
    """
    open_workspace_database(workspace)
    from tqdm import tqdm

    from accord.importers.background import planned_import
    from accord.importers.canonical import RecordKind
    from accord.services.imports import run_import

    now = as_utc(at)
    rejects_path = rejects or file.with_name(file.name + ".rejected.csv")
    with (
        planned_import(RecordKind(kind), file, mapping_path=mapping_path(mapping), now=now) as plan,
        tqdm(
            total=plan.total_bytes, unit="B", unit_scale=True, disable=not sys.stderr.isatty(), leave=False
        ) as bar,
    ):

        def advance() -> None:
            bar.update(plan.bytes_read() - bar.n)

        report = run_import(
            plan.streams, now=now, is_dry_run=dry_run, rejects_path=rejects_path, on_batch=advance
        )
    echo_report(report)


def mapping_path(mapping: str | None) -> Path | None:
    if mapping is None:
        return None
    given = Path(mapping)
    if given.is_file():
        return given
    from accord.importers.mapping import PRESETS_DIR, preset_names

    if mapping in preset_names():
        return PRESETS_DIR / f"{mapping.replace('-', '_')}.yaml"
    raise click.BadParameter(
        f"{mapping!r} is neither a file nor a preset ({', '.join(preset_names()) or 'none'})",
        param_hint="--mapping",
    )


def echo_report(report: ImportReport) -> None:
    header = ("kind", "inserted", "updated", "unchanged", "rejected", "held", "attached", "warnings")
    click.echo(f"{header[0]:<14}" + "".join(f"{name:>10}" for name in header[1:]))
    for stream in report.streams:
        counts = stream.counts
        values = [getattr(counts, name) for name in header[1:]]
        click.echo(f"{stream.kind.value:<14}" + "".join(f"{value:>10,}" for value in values))
    rejected = sum(stream.counts.rejected for stream in report.streams)
    warnings = sum(stream.counts.warnings for stream in report.streams)
    if report.is_dry_run:
        click.echo("Dry run: nothing was written to the database.")
    if rejected:
        click.echo(f"{rejected:,} rows rejected; each with its line and reason in {report.rejects_path}")
    else:
        click.echo("No rows rejected.")
    if warnings:
        click.echo(f"{warnings:,} new data-quality warnings: see accord data warnings")


@cli.group()
def data() -> None:
    """What imports left for review: warnings, likely duplicates, unmatched leads."""


@data.command()
@workspace_option()
@click.option("--code", default="", help="Only warnings with this code, e.g. won_before_first_contact.")
def warnings(workspace: str | None, code: str) -> None:
    """List data-quality warnings: records kept as recorded that a person should check."""
    open_workspace_database(workspace)
    from accord.queries.import_review import list_warnings

    found = list_warnings(code=code)
    for warning in found:
        click.echo(f"{warning.code:<26} {warning.entity:<14} {warning.external_id:<34} {warning.message}")
    click.echo(f"{len(found):,} warnings.")


@data.command()
@workspace_option()
def duplicates(workspace: str | None) -> None:
    """List likely duplicate leads (same name and company, different e-mail); never merged."""
    open_workspace_database(workspace)
    from accord.queries.import_review import list_likely_duplicates

    groups = list_likely_duplicates()
    for group in groups:
        click.echo(f"{group.full_name} at {group.company}:")
        for lead in group.leads:
            click.echo(f"  {lead.external_id:<30} {lead.email or '-'}")
    click.echo(f"{len(groups):,} groups of likely duplicates.")


@data.command()
@workspace_option()
def unmatched(workspace: str | None) -> None:
    """List imported leads that no account matched by e-mail domain, website or company name."""
    open_workspace_database(workspace)
    from accord.queries.import_review import count_unmatched_leads, list_unmatched_leads

    for lead in list_unmatched_leads():
        click.echo(f"{lead.external_id:<30} {lead.email or '-':<40} {lead.company_name or '-'}")
    click.echo(f"{count_unmatched_leads():,} leads without an account.")
