"""How ``accord playbook backtest`` and ``audit`` print their results: a table for people, JSON for
scripts; the leads behind one number on request."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

import click

from accord.domain.backtest import Audit, Backtest, Conversion, Period, Rate

BACKTEST_LISTS = ("mqls", "sql", "won", "gained", "lost")
AUDIT_CELLS = ("both", "only_a", "only_b", "neither")


@dataclass(frozen=True)
class Titled:
    """A playbook as the output names it: ``version 3`` or a file name."""

    label: str
    name: str


def backtest_lead_ids(result: Backtest, listed: str) -> tuple[int, ...]:
    if listed in {"gained", "lost"}:
        if result.versus is None:
            raise click.UsageError(f"--list {listed} needs a version to compare with (--against)")
        return (result.versus.gained if listed == "gained" else result.versus.lost).leads.lead_ids
    return {
        "mqls": result.mqls.leads.lead_ids,
        "sql": result.mqls.to_sql.lead_ids,
        "won": result.mqls.to_won.lead_ids,
    }[listed]


def audit_lead_ids(result: Audit, cell: str) -> tuple[int, ...]:
    chosen: Conversion = getattr(result, cell)
    return chosen.leads.lead_ids


def backtest_json(result: Backtest, draft: Titled, against: Titled | None) -> dict[str, object]:
    versus = None
    if result.versus is not None and against is not None:
        versus = {
            "playbook": against.label,
            "mqls": result.versus.baseline_mqls.count,
            "gained": conversion_json(result.versus.gained),
            "lost": conversion_json(result.versus.lost),
        }
    return {
        "playbook": draft.label,
        **period_json(result.period),
        "mqls": conversion_json(result.mqls),
        "mqls_by_month": [{"month": f"{m.month:%Y-%m}", "mqls": m.count} for m in result.by_month],
        "versus": versus,
    }


def audit_json(result: Audit, a: Titled, b: Titled) -> dict[str, object]:
    return {
        "a": a.label,
        "b": b.label,
        **period_json(result.period),
        "cells": {cell: conversion_json(getattr(result, cell)) for cell in AUDIT_CELLS},
    }


def period_json(period: Period) -> dict[str, str]:
    return {"from": period.start.isoformat(), "to": period.end.isoformat()}


def conversion_json(conversion: Conversion) -> dict[str, object]:
    return {
        "leads": conversion.leads.count,
        "mql_to_sql": rate_json(conversion.to_sql),
        "mql_to_won": rate_json(conversion.to_won),
    }


def rate_json(rate: Rate) -> dict[str, object]:
    return {"numerator": rate.numerator, "denominator": rate.denominator, "rate": rate.rate}


def echo_json(document: dict[str, object]) -> None:
    click.echo(json.dumps(document, indent=2))


def echo_backtest(result: Backtest, draft: Titled, against: Titled | None) -> None:
    click.echo(f"Backtest of {draft.label} ({draft.name}), {period_text(result.period)}")
    click.echo(f"MQLs: {result.mqls.leads.count:,}")
    for month in result.by_month:
        click.echo(f"  {month.month:%Y-%m}  {month.count:>9,}")
    click.echo(f"MQL→SQL: {rate_text(result.mqls.to_sql)}")
    click.echo(f"MQL→won: {rate_text(result.mqls.to_won)}")
    if result.versus is not None and against is not None:
        click.echo(f"Against {against.label} ({against.name}): {result.versus.baseline_mqls.count:,} MQLs")
        click.echo(f"  gained {conversion_text(result.versus.gained)}")
        click.echo(f"  lost   {conversion_text(result.versus.lost)}")


def echo_audit(result: Audit, a: Titled, b: Titled) -> None:
    click.echo(
        f"Audit of A = {a.label} ({a.name}) and B = {b.label} ({b.name}), {period_text(result.period)}"
    )
    click.echo(f"{'':<10}{'leads':>10}  {'reached SQL':<24}{'won':<24}")
    for cell, title in zip(AUDIT_CELLS, ("both", "only A", "only B", "neither"), strict=True):
        conversion: Conversion = getattr(result, cell)
        click.echo(
            f"{title:<10}{conversion.leads.count:>10,}  "
            f"{rate_text(conversion.to_sql):<24}{rate_text(conversion.to_won):<24}"
        )


def echo_leads(title: str, lines: Sequence[tuple[int, str, str | None]]) -> None:
    click.echo(f"\n{title}: {len(lines):,} leads")
    for lead_id, external_id, email in lines:
        click.echo(f"  {lead_id:>9}  {external_id:<24} {email or '-'}")


def period_text(period: Period) -> str:
    return f"MQL date from {period.start:%Y-%m-%d} until before {period.end:%Y-%m-%d %H:%M} UTC"


def conversion_text(conversion: Conversion) -> str:
    return (
        f"{conversion.leads.count:,} (→SQL {rate_text(conversion.to_sql)}; "
        f"won {rate_text(conversion.to_won)})"
    )


def rate_text(rate: Rate) -> str:
    if rate.rate is None:
        return "-"
    return f"{rate.numerator:,}/{rate.denominator:,} = {rate.rate:.1%}"
