"""``accord playbook …``: validate, inspect, compare, backtest, audit and sign off the shared definitions."""

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import click

from accord.cli.commands import open_workspace_database
from accord.cli.main import cli
from accord.cli.options import acting_user_option, as_utc, at_option, workspace_option

if TYPE_CHECKING:
    from accord.cli.backtest_output import Titled
    from accord.domain.backtest import Period
    from accord.domain.playbook.schema import PlaybookV1
    from accord.domain.playbook.validation import Playbook

F = TypeVar("F", bound=Callable[..., object])


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


def period_options(function: "F") -> "F":
    """--from and --to, both days included (UTC)."""
    dates = click.DateTime(formats=["%Y-%m-%d"])
    function = click.option("--to", "to_day", type=dates, required=True, help="Last day, included (UTC).")(
        function
    )
    return click.option("--from", "from_day", type=dates, required=True, help="First day (UTC).")(function)


def as_period(from_day: datetime, to_day: datetime) -> "Period":
    from accord.domain.backtest import Period

    return Period(from_day.replace(tzinfo=UTC), to_day.replace(tzinfo=UTC) + timedelta(days=1))


def format_option() -> Callable[["F"], "F"]:
    return click.option(
        "--format",
        "output_format",
        type=click.Choice(["table", "json"]),
        default="table",
        show_default=True,
        help="A table for people or JSON for scripts.",
    )


@playbook.command()
@workspace_option()
@click.argument("draft")
@period_options
@click.option(
    "--against",
    metavar="VERSION",
    help="Version or file to compare with (gained and lost leads). Default: the active version.",
)
@click.option(
    "--list",
    "listed",
    type=click.Choice(["mqls", "sql", "won", "gained", "lost"]),
    help="Also list the leads behind that number.",
)
@format_option()
def backtest(
    workspace: str | None,
    draft: str,
    from_day: datetime,
    to_day: datetime,
    against: str | None,
    listed: str | None,
    output_format: str,
) -> None:
    """Apply DRAFT (a version number or a file) to history from --from to --to.

    Replays the MQL rule at each lead's creation and signals to find when it would first have passed
    (fit from the lead's current attributes), then counts the MQLs per month and how those leads
    actually converted: reached SQL, won. Leads that first passed before --from are not MQLs of the
    period. Against the active version (or --against) it shows the leads gained and lost. See
    docs/backtest.md.
    """
    open_workspace_database(workspace)
    from accord.cli import backtest_output as output
    from accord.queries.backtests import run_backtest

    draft_playbook, draft_title = _playbook(draft)
    baseline = _baseline(against, draft)
    result = run_backtest(
        draft_playbook, as_period(from_day, to_day), baseline=baseline[0] if baseline else None
    )
    against_title = baseline[1] if baseline else None
    lead_ids = output.backtest_lead_ids(result, listed) if listed else ()
    if output_format == "json":
        document = output.backtest_json(result, draft_title, against_title)
        output.echo_json({**document, **_listed_json(listed, lead_ids)})
        return
    output.echo_backtest(result, draft_title, against_title)
    if listed:
        output.echo_leads(listed, _lines(lead_ids))


@playbook.command()
@workspace_option()
@click.argument("a")
@click.argument("b")
@period_options
@click.option(
    "--list",
    "listed",
    type=click.Choice(["both", "only_a", "only_b", "neither"]),
    help="Also list the leads of that cell.",
)
@format_option()
def audit(
    workspace: str | None,
    a: str,
    b: str,
    from_day: datetime,
    to_day: datetime,
    listed: str | None,
    output_format: str,
) -> None:
    """Compare two definitions A and B (versions or files) on the same leads, --from to --to.

    The agreement matrix: leads that both, only A, only B or neither make MQLs of the period (among
    leads created by its end), each cell with how its leads actually converted, so marketing and sales
    can see where their definitions differ and who was right. See docs/backtest.md.
    """
    open_workspace_database(workspace)
    from accord.cli import backtest_output as output
    from accord.queries.backtests import run_audit

    (playbook_a, title_a), (playbook_b, title_b) = _playbook(a), _playbook(b)
    result = run_audit(playbook_a, playbook_b, as_period(from_day, to_day))
    lead_ids = output.audit_lead_ids(result, listed) if listed else ()
    if output_format == "json":
        output.echo_json({**output.audit_json(result, title_a, title_b), **_listed_json(listed, lead_ids)})
        return
    output.echo_audit(result, title_a, title_b)
    if listed:
        output.echo_leads(listed, _lines(lead_ids))


def _playbook(reference: str) -> tuple["Playbook", "Titled"]:
    from accord.cli.backtest_output import Titled
    from accord.domain.playbook.validation import load_playbook
    from accord.queries.catalog import get_workspace_catalog
    from accord.queries.playbooks import get_playbook_version, load_version

    if reference.isdigit():
        loaded = load_version(get_playbook_version(int(reference)))
        return loaded, Titled(f"version {reference}", loaded.definition.name)
    if not Path(reference).is_file():
        raise click.BadParameter(f"{reference!r} is neither a version number nor a file")
    loaded = load_playbook(read_text(reference), get_workspace_catalog(), source_name=reference)
    return loaded, Titled(reference, loaded.definition.name)


def _baseline(against: str | None, draft: str) -> tuple["Playbook", "Titled"] | None:
    """--against, else the active version unless the draft is the active version itself."""
    if against is not None:
        return _playbook(against)
    from accord.queries.playbooks import find_active_playbook_version

    active = find_active_playbook_version()
    if active is None or str(active.number) == draft:
        return None
    return _playbook(str(active.number))


def _listed_json(listed: str | None, lead_ids: Sequence[int]) -> dict[str, object]:
    if not listed:
        return {}
    leads = [{"id": i, "external_id": e, "email": m} for i, e, m in _lines(lead_ids)]
    return {"listed": {"name": listed, "leads": leads}}


def _lines(lead_ids: Sequence[int]) -> list[tuple[int, str, str | None]]:
    from accord.queries.backtests import list_lead_lines

    return [(line.lead_id, line.external_id, line.email) for line in list_lead_lines(lead_ids)]
