"""Options shared by several commands."""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TypeVar

import click

F = TypeVar("F", bound=Callable[..., object])


def workspace_option(default_help: str = "~/.accord/workspace") -> Callable[[F], F]:
    return click.option(
        "--workspace",
        type=click.Path(file_okay=False),
        envvar="ACCORD_HOME",
        help=f"Workspace folder. Default: $ACCORD_HOME, else {default_help}.",
    )


def port_option(default: int) -> Callable[[F], F]:
    return click.option(
        "--port", type=click.IntRange(1, 65535), default=default, show_default=True, help="Port to serve on."
    )


def host_option() -> Callable[[F], F]:
    return click.option(
        "--host",
        default="127.0.0.1",
        show_default=True,
        help="Address to bind. Anything but loopback exposes the UI to your network.",
    )


def as_utc(at: datetime | None) -> datetime:
    """An --at or --as-of value (read as UTC), or now when none was given: the edge owns the clock."""
    return at.replace(tzinfo=UTC) if at is not None else datetime.now(UTC)


def at_option() -> Callable[[F], F]:
    return click.option(
        "--at",
        "at",
        type=click.DateTime(formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]),
        default=None,
        help="Act as of this UTC time instead of now (for reproducible runs).",
    )


def acting_user_option() -> Callable[[F], F]:
    return click.option(
        "--as",
        "acting_email",
        required=True,
        metavar="EMAIL",
        help="The user on whose behalf the command acts; their role decides what is allowed.",
    )
