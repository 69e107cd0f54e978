"""``accord api-key …``: make, list and revoke the keys of the HTTP ingestion API (docs/api.md)."""

from datetime import UTC, datetime

import click

from accord.cli.commands import open_workspace_database
from accord.cli.main import cli
from accord.cli.options import acting_user_option, as_utc, workspace_option


@cli.group("api-key")
def api_key() -> None:
    """Keys of the HTTP ingestion API: make, list, revoke.

    A key lets a website form or another system send leads and activities to
    this workspace (docs/api.md). Only admins make and revoke keys. Accord
    keeps a digest of each token, never the token: it is shown once, when the
    key is made.
    """


@api_key.command("create", short_help="Make a key and print its token, once.")
@workspace_option()
@click.argument("name")
@acting_user_option()
def create_command(workspace: str | None, name: str, acting_email: str) -> None:
    """Make a key named NAME, saying what uses it ("website forms"), and print its token once.

    Only an admin (--as) makes keys. The token alone goes to stdout, so that a script can capture it;
    what it is, and the warning that it cannot be shown again, go to stderr.
    """
    open_workspace_database(workspace)
    from accord.queries.users import get_user_by_email
    from accord.services.api_keys import create_api_key

    key, token = create_api_key(name=name, created_by=get_user_by_email(acting_email), now=as_utc(None))
    click.echo(f"Created API key {key.pk} {key.name!r} (prefix {key.prefix}).", err=True)
    click.echo(
        "Copy the token now: it is shown only this once. Accord does not store it (only its SHA-256 "
        "digest), so it cannot be shown again; if it is lost, revoke the key and make another.",
        err=True,
    )
    click.echo(token)


@api_key.command("list", short_help="List the keys: id, prefix, name, dates, last use.")
@workspace_option()
def list_command(workspace: str | None) -> None:
    """List every key, revoked ones too: id, prefix, name, when made and by whom, last use."""
    open_workspace_database(workspace)
    from accord.queries.api_keys import list_api_keys

    keys = list_api_keys()
    if not keys:
        click.echo("No API keys yet. Make one with: accord api-key create NAME --as EMAIL")
        return
    click.echo(
        f"{'id':>4}  {'prefix':<12}  {'created (UTC)':<16}  {'last used (UTC)':<16}  "
        f"{'revoked (UTC)':<16}  {'created by':<28}  name"
    )
    for key in keys:
        click.echo(
            f"{key.pk:>4}  {key.prefix:<12}  {minute(key.created_at):<16}  "
            f"{minute(key.last_used_at, 'never'):<16}  {minute(key.revoked_at, '-'):<16}  "
            f"{key.created_by.email:<28}  {key.name}"
        )


@api_key.command("revoke", short_help="Revoke a key, by its id or prefix.")
@workspace_option()
@click.argument("reference", metavar="ID_OR_PREFIX")
@acting_user_option()
def revoke_command(workspace: str | None, reference: str, acting_email: str) -> None:
    """Revoke a key, named by its id or its prefix as 'accord api-key list' shows them.

    Requests with it are refused from then on. Revoking a revoked key changes nothing.
    """
    open_workspace_database(workspace)
    from accord.queries.api_keys import get_api_key
    from accord.queries.users import get_user_by_email
    from accord.services.api_keys import revoke_api_key

    key = get_api_key(reference)
    described = f"API key {key.pk} {key.name!r} ({key.prefix})"
    if revoke_api_key(key, revoked_by=get_user_by_email(acting_email), now=as_utc(None)):
        click.echo(f"Revoked {described}; requests with it are refused from now on.")
    else:
        click.echo(f"{described} was already revoked on {minute(key.revoked_at)} UTC.")


def minute(at: datetime | None, absent: str = "") -> str:
    return absent if at is None else f"{at.astimezone(UTC):%Y-%m-%d %H:%M}"
