"""Backtest and audit of playbooks on this workspace's history (DESIGN §4), and the leads behind a
number, for the CLI and the web pages."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from accord.domain.backtest import Audit, Backtest, History, Period, audit, backtest
from accord.domain.playbook.validation import Playbook
from accord.domain.scoring import compile_playbook
from accord.models import Lead
from accord.queries.catalog import get_workspace_catalog
from accord.queries.history import load_history

SCORE_VARIABLES = frozenset({"fit", "intent", "hand_raiser"})
# Ids per IN (...) list: below SQLite's default limit on bound parameters.
IDS_PER_QUERY = 900


@dataclass(frozen=True)
class LeadLine:
    lead_id: int
    external_id: str
    email: str | None


def run_backtest(draft: Playbook, period: Period, *, baseline: Playbook | None = None) -> Backtest:
    history = history_for([draft] if baseline is None else [draft, baseline])
    compiled_baseline = compile_playbook(baseline) if baseline is not None else None
    return backtest(compile_playbook(draft), history, period, baseline=compiled_baseline)


def run_audit(a: Playbook, b: Playbook, period: Period) -> Audit:
    return audit(compile_playbook(a), compile_playbook(b), history_for([a, b]), period)


def history_for(playbooks: Sequence[Playbook]) -> History:
    """The history these playbooks' criteria need: the attributes they read, their signals."""
    names: set[str] = set()
    kinds: set[str] = set()
    for playbook in playbooks:
        for criterion in (*playbook.fit_criteria, *playbook.disqualify_criteria, playbook.mql_criterion):
            names |= criterion.references() - SCORE_VARIABLES
        kinds |= set(playbook.definition.intent.signals)
    return load_history(names, get_workspace_catalog(), kinds)


def list_lead_lines(lead_ids: Sequence[int]) -> list[LeadLine]:
    """The leads behind a number, in the order given."""
    found: dict[int, LeadLine] = {}
    for start in range(0, len(lead_ids), IDS_PER_QUERY):
        chunk = lead_ids[start : start + IDS_PER_QUERY]
        for lead_id, external_id, email in Lead.objects.filter(id__in=chunk).values_list(
            "id", "external_id", "email"
        ):
            found[lead_id] = LeadLine(lead_id, external_id, email)
    return [found[lead_id] for lead_id in lead_ids if lead_id in found]
