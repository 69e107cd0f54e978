"""Request bodies → canonical records, through the importers' parsing: the same dates, e-mails, names
and limits as a file import. Every bad field of every record is collected before anything is stored."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime
from typing import TypeVar

from accord.errors import RecordProblem, RecordsRejected
from accord.importers import RecordKind, RowError, SourceRow, parse_records
from accord.importers.canonical import ActivityRecord, AttributeValue, LeadRecord
from accord.importers.columns import columns_of
from accord.importers.values import attribute_name, storable_text
from accord.web.api.schemas import ActivityIn, LeadIn

R = TypeVar("R", LeadRecord, ActivityRecord)
SOURCE_NAME = "api"


def lead_records(items: Sequence[LeadIn], *, now: datetime) -> list[LeadRecord]:
    return _records(RecordKind.LEADS, items, LeadRecord, now)


def activity_records(items: Sequence[ActivityIn], *, now: datetime) -> list[ActivityRecord]:
    return _records(RecordKind.ACTIVITIES, items, ActivityRecord, now)


def _records(
    kind: RecordKind, items: Sequence[LeadIn | ActivityIn], record_type: type[R], now: datetime
) -> list[R]:
    """One record per item, its ``line`` being its position; raises RecordsRejected naming every problem."""
    records: list[R] = []
    problems: list[RecordProblem] = []
    first_position: dict[str, int] = {}
    for position, item in enumerate(items):
        values = item.model_dump(exclude={"attributes"})
        attributes, attribute_problems = _attributes(kind, position, item.attributes)
        problems.extend(attribute_problems)
        first = first_position.setdefault(values["external_id"], position)
        if first != position:
            problems.append(
                RecordProblem(position, "external_id", values["external_id"], f"repeats record {first}")
            )
        for parsed in parse_records(kind, [SourceRow(position, values)], source_name=SOURCE_NAME, now=now):
            if isinstance(parsed, RowError):
                problems.append(RecordProblem(position, parsed.field, parsed.value, parsed.reason))
            elif isinstance(parsed, record_type):
                records.append(dataclasses.replace(parsed, attributes=attributes))
    if problems:
        raise RecordsRejected(
            f"{len({p.position for p in problems})} of {len(items)} {kind} are invalid", problems
        )
    return records


def _attributes(
    kind: RecordKind, position: int, given: dict[str, AttributeValue]
) -> tuple[dict[str, AttributeValue], list[RecordProblem]]:
    """Attributes keep their JSON type; names are normalised as a file's extra columns are."""
    known = columns_of(kind)
    attributes: dict[str, AttributeValue] = {}
    problems: list[RecordProblem] = []
    for key, value in given.items():
        where = f"attributes.{key}"
        name = attribute_name(key)
        try:
            storable_text(key)
            if isinstance(value, str):
                storable_text(value)
        except ValueError as exc:
            problems.append(RecordProblem(position, where, str(value), str(exc)))
            continue
        if name in known:
            problems.append(
                RecordProblem(position, where, key, f"{name} is a field of the record, not an attribute")
            )
        elif name in attributes:
            problems.append(RecordProblem(position, where, key, f"another attribute is also named {name}"))
        else:
            attributes[name] = value
    return attributes, problems
