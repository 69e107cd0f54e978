"""Entry point of the ``accord`` command: global options and the error-to-exit-code edge."""

import sys

import click

from accord import __version__
from accord.errors import AccordError


class AccordGroup(click.Group):
    """Turns every AccordError into one line on stderr and its exit code, never a traceback."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except AccordError as exc:
            click.echo(f"accord: error: {exc.message}", err=True)
            sys.exit(exc.exit_code)


@click.group(cls=AccordGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="accord")
def cli() -> None:
    """Accord: one scoreboard for marketing and sales.

    Every command works on a workspace folder, chosen with --workspace or
    ACCORD_HOME (default ~/.accord/workspace). Its data lives in SQLite inside
    that folder, or in PostgreSQL when ACCORD_DATABASE_URL is set.
    """


def main() -> None:
    from accord.cli import (  # noqa: F401  (register the commands)
        api_key_commands,
        commands,
        import_commands,
        playbook_commands,
    )

    cli(prog_name="accord")
