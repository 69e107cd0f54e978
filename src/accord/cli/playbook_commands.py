"""``accord playbook …``: validate, inspect, compare and sign off the shared definitions."""

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from accord.cli.commands import open_workspace_database
from accord.cli.main import cli
from accord.cli.options import acting_user_option, at_option, workspace_option

if TYPE_CHECKING:
    from accord.domain.playbook.schema import PlaybookV1


def as_utc(at: datetime | None) -> datetime:
    return at.replace(tzinfo=UTC) if at is not None else datetime.now(UTC)


def read_text(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise click.BadParameter(f"{path} is not UTF-8 text", param_hint="FILE") from exc


@cli.group()
def playbook() -> None:
    """The playbook: shared definitions, versioned and signed by both sides.

    A version is proposed as a draft, signed by the marketing owner and the
    sales owner it names, and only then activated. See docs/playbook.md.
    """


@playbook.command()
@workspace_option()
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def validate(workspace: str | None, file: str) -> None:
    """Check FILE and list every problem with its line and field."""
    open_workspace_database(workspace)
    from accord.domain.playbook.validation import load_playbook
    from accord.queries.catalog import get_workspace_catalog

    loaded = load_playbook(read_text(file), get_workspace_catalog(), source_name=file).definition
    click.echo(
        f"{file} is valid: {loaded.name!r}, {len(loaded.fit)} fit rules, {len(loaded.intent.signals)} "
        f"intent signals, MQL rule: {loaded.mql}"
    )


@playbook.command()
@workspace_option()
@click.argument("number", type=int, required=False)
@at_option()
def show(workspace: str | None, number: int | None, at: datetime | None) -> None:
    """Show version NUMBER (default: the active one): status, signatures and text."""
    open_workspace_database(workspace)
    from accord.errors import NotFound
    from accord.queries.playbooks import (
        find_active_playbook_version,
        get_playbook_version,
        get_version_status,
    )

    version = get_playbook_version(number) if number is not None else find_active_playbook_version()
    if version is None:
        raise NotFound("no playbook version is active yet; name a version number")
    status = get_version_status(version, as_utc(at))
    click.echo(f"Version {version.number}: {version.name} ({version.status}), sha256 {version.sha256[:12]}")
    for signature in status.signatures:
        signed_at = f"{signature.signed_at:%Y-%m-%d %H:%M}"
        click.echo(f"  signed for {signature.side} by {signature.signed_by.email} at {signed_at}")
    if status.missing_sides:
        click.echo(f"  awaiting signature: {', '.join(status.missing_sides)}")
    if status.review_due_at is not None:
        flag = "REVIEW DUE" if status.is_review_due else "next review"
        click.echo(f"  {flag}: {status.review_due_at:%Y-%m-%d}")
    click.echo("")
    click.echo(version.source_yaml.rstrip())


@playbook.command()
@workspace_option()
def history(workspace: str | None) -> None:
    """List every version, newest first."""
    open_workspace_database(workspace)
    from accord.queries.playbooks import list_playbook_versions

    for version in list_playbook_versions():
        proposer = version.proposed_by.email if version.proposed_by else "-"
        proposed_on = f"{version.proposed_at:%Y-%m-%d}"
        click.echo(f"v{version.number:<4} {version.status:<8} {proposed_on} {proposer:<28} {version.name}")


@playbook.command()
@workspace_option()
@click.argument("old")
@click.argument("new")
def diff(workspace: str | None, old: str, new: str) -> None:
    """What changed from OLD to NEW; each is a version number or a file."""
    open_workspace_database(workspace)
    from accord.domain.playbook.diff import describe_changes

    changes = describe_changes(_definition(old), _definition(new))
    for change in changes:
        click.echo(change)
    if not changes:
        click.echo("No changes.")


def _definition(reference: str) -> "PlaybookV1":
    from accord.domain.playbook.validation import load_playbook
    from accord.queries.catalog import get_workspace_catalog
    from accord.queries.playbooks import get_playbook_version, load_version

    if reference.isdigit():
        return load_version(get_playbook_version(int(reference))).definition
    if not Path(reference).is_file():
        raise click.BadParameter(f"{reference!r} is neither a version number nor a file")
    return load_playbook(read_text(reference), get_workspace_catalog(), source_name=reference).definition


@playbook.command()
@workspace_option()
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@acting_user_option()
@click.option("--note", default="", help="Why this version is proposed (shown to the signers).")
@at_option()
def propose(workspace: str | None, file: str, acting_email: str, note: str, at: datetime | None) -> None:
    """Store FILE as the next draft version, to be signed by both owners."""
    open_workspace_database(workspace)
    from accord.queries.users import get_user_by_email
    from accord.services.playbooks import propose_playbook

    version = propose_playbook(
        read_text(file),
        proposed_by=get_user_by_email(acting_email),
        now=as_utc(at),
        note=note,
        source_name=file,
    )
    click.echo(f"Proposed version {version.number} ({version.name}); it needs both owners' signatures.")


@playbook.command()
@workspace_option()
@click.argument("number", type=int)
@acting_user_option()
@at_option()
def sign(workspace: str | None, number: int, acting_email: str, at: datetime | None) -> None:
    """Sign draft NUMBER for the side whose owner you are."""
    open_workspace_database(workspace)
    from accord.queries.users import get_user_by_email
    from accord.services.playbooks import sign_playbook

    signature = sign_playbook(number, signer=get_user_by_email(acting_email), now=as_utc(at))
    click.echo(f"Signed version {number} for {signature.side}.")


@playbook.command()
@workspace_option()
@click.argument("number", type=int)
@acting_user_option()
@at_option()
def activate(workspace: str | None, number: int, acting_email: str, at: datetime | None) -> None:
    """Make signed draft NUMBER the active version (the previous one is retired)."""
    open_workspace_database(workspace)
    from accord.queries.users import get_user_by_email
    from accord.services.playbooks import activate_playbook

    activate_playbook(number, activated_by=get_user_by_email(acting_email), now=as_utc(at))
    click.echo(f"Version {number} is now active.")
