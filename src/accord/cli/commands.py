"""The commands of ``accord``, each a thin shell over one service."""

from datetime import UTC, datetime
from typing import TYPE_CHECKING

import click

from accord.cli.bootstrap import start_django
from accord.cli.main import cli
from accord.cli.options import as_utc, host_option, port_option, workspace_option

if TYPE_CHECKING:
    from accord.web.server import BoundServer

DEMO_WORKSPACE = "~/.accord/demo"
DEFAULT_DEMO_LEADS = 5_000
MAX_DEMO_LEADS = 1_000_000


def open_workspace_database(workspace: str | None) -> None:
    start_django(workspace)
    from accord.services.workspace_setup import prepare_database

    prepare_database()


@cli.command()
@workspace_option(default_help=DEMO_WORKSPACE)
@click.option(
    "--leads",
    type=click.IntRange(100, MAX_DEMO_LEADS),
    default=DEFAULT_DEMO_LEADS,
    show_default=True,
    help="How many leads the synthetic company has (about 20 activities each).",
)
@click.option("--seed", type=int, default=7, show_default=True, help="Random seed; same seed, same company.")
@click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Last day of the generated year (default: today, UTC).",
)
@port_option(default=8000)
@host_option()
@click.option("--open", "open_browser", is_flag=True, help="Open the UI in a browser once it is served.")
@click.option("--no-serve", is_flag=True, help="Generate (or reuse) the data and exit without serving.")
def demo(
    workspace: str | None,
    leads: int,
    seed: int,
    as_of: datetime | None,
    port: int,
    host: str,
    open_browser: bool,
    no_serve: bool,
) -> None:
    """Generate a synthetic company and serve the web UI on localhost.

    The first run fills the workspace with a year of leads, activities, sales
    touches and deals; later runs reuse it. It prints the URL and a login for
    every role.
    """
    open_workspace_database(workspace or DEMO_WORKSPACE)
    from accord.services.demo import ensure_demo_workspace
    from accord.web.server import bind_server

    # Take the port before generating, so a busy port fails in a second, not after the data is made.
    server = None if no_serve else bind_server(host, port)

    as_of_utc = as_utc(as_of)
    summary = ensure_demo_workspace(
        leads=leads, seed=seed, as_of=as_of_utc, show_progress=True, generated_at=datetime.now(UTC)
    )
    verb = "Generated" if summary.generated else "Reusing"
    click.echo(
        f"{verb} demo company: {summary.leads:,} leads, {summary.activities:,} activities, "
        f"{summary.opportunities:,} opportunities (as of {summary.as_of:%Y-%m-%d})."
    )
    click.echo("Log in as any of these people (demo passwords, for this local workspace only):")
    click.echo(f"  {'role':<13} {'e-mail':<33} password")
    for login in summary.logins:
        click.echo(f"  {login.role:<13} {login.email:<33} {login.password}")
    if server is not None:
        announce_and_run(server, open_browser)


@cli.command()
@workspace_option()
@port_option(default=8000)
@host_option()
@click.option("--open", "open_browser", is_flag=True, help="Open the UI in a browser once it is served.")
def serve(workspace: str | None, port: int, host: str, open_browser: bool) -> None:
    """Serve the web UI and the API for a workspace."""
    open_workspace_database(workspace)
    from accord.web.server import bind_server

    announce_and_run(bind_server(host, port), open_browser)


def announce_and_run(server: "BoundServer", open_browser: bool) -> None:
    click.echo(f"Accord is serving on {server.url}  (Ctrl+C to stop)")
    server.run(open_browser=open_browser)


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False))
def init(directory: str) -> None:
    """Create a new workspace in DIRECTORY: its database and a starter playbook.yaml to edit."""
    open_workspace_database(directory)
    from django.conf import settings

    from accord.services.workspace_setup import write_starter_playbook

    starter = write_starter_playbook(settings.WORKSPACE.path)
    folder = settings.WORKSPACE.path
    click.echo(f"Workspace ready in {folder}. Use it with --workspace {folder} or ACCORD_HOME={folder}.")
    click.echo("Next steps:")
    click.echo("  accord user create EMAIL --role admin       (and the marketing and sales owners)")
    if starter is not None:
        click.echo(f"  edit {starter}: owners, sources, rules, SLA")
    click.echo(f"  accord playbook validate {folder / 'playbook.yaml'}")
    click.echo("  accord playbook propose FILE --as EMAIL, then sign by both owners and activate")


@cli.group()
def user() -> None:
    """Manage the people who use a workspace."""


@user.command("create")
@workspace_option()
@click.argument("email")
@click.option(
    "--role",
    type=click.Choice(["admin", "marketing", "sales_leader", "sdr", "ae", "viewer"]),
    required=True,
    help="What the user may see and do.",
)
@click.option("--name", default="", help="Full name shown in the UI.")
@click.password_option(help="Password (prompted twice when not given).")
def create_user_command(workspace: str | None, email: str, role: str, name: str, password: str) -> None:
    """Create a user who logs in with EMAIL."""
    open_workspace_database(workspace)
    from accord.services.users import create_user

    created = create_user(email=email, role=role, full_name=name, password=password)
    click.echo(f"Created {created.role} {created.email}")
