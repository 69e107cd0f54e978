"""The one error tree of Accord. Every error has a stable code; the CLI maps it to an exit code and
the web/API edges map it to one JSON shape. Lower-level errors are translated with ``raise … from``."""

from collections.abc import Sequence
from dataclasses import dataclass


class AccordError(Exception):
    """Base of every error Accord reports to a user on purpose."""

    code = "accord_error"
    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ConfigurationError(AccordError):
    """The environment or the command line names something unusable (a bad URL, a bad folder)."""

    code = "configuration_error"
    exit_code = 78  # EX_CONFIG from sysexits.h


class DatabaseUnavailable(AccordError):
    """The configured database cannot be reached or opened."""

    code = "database_unavailable"
    exit_code = 69  # EX_UNAVAILABLE


class PortInUse(AccordError):
    """The web server cannot bind its port."""

    code = "port_in_use"
    exit_code = 75  # EX_TEMPFAIL: try another port or stop the other process


class NotFound(AccordError):
    code = "not_found"
    exit_code = 66  # EX_NOINPUT


class PermissionDenied(AccordError):
    code = "permission_denied"
    exit_code = 77  # EX_NOPERM


class InvalidInput(AccordError):
    """Input that does not fit what was expected; the message names where and what."""

    code = "invalid_input"
    exit_code = 65  # EX_DATAERR


class IllegalTransition(InvalidInput):
    """A lifecycle move the transition table does not allow."""

    code = "illegal_transition"


class ImportInterrupted(AccordError):
    """An import stopped part-way: the failing batch was rolled back, earlier batches were kept."""

    code = "import_interrupted"
    exit_code = 75  # EX_TEMPFAIL: re-running the same import completes it


@dataclass(frozen=True)
class RecordProblem:
    """One bad field of one record in a request: the record's position, the field, what was given, why."""

    position: int
    field: str
    value: str
    reason: str


class RecordsRejected(InvalidInput):
    """A set of records was refused as a whole because some of them are bad; nothing was stored."""

    code = "records_rejected"

    def __init__(self, message: str, problems: Sequence[RecordProblem]) -> None:
        super().__init__(message)
        self.problems = tuple(problems)


class PayloadTooLarge(InvalidInput):
    """A request body or batch larger than the configured limit."""

    code = "payload_too_large"
