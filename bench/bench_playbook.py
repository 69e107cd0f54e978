"""Benchmark: bulk scoring + MQL rule at now, and a 12-month backtest against another version, with
Accord's polars/numpy path vs a plain pandas implementation of the same playbook, in one run.

    python bench/bench_playbook.py --leads 100000
    nohup python bench/bench_playbook.py --leads 1000000 --json bench-1m.json > bench-1m.log &

Needs pandas (bench only: pip install pandas pyarrow). Results are checked equal before timings count.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl

from accord.domain.backtest import History, Period, backtest, simulate_mql_dates
from accord.domain.columnar import Coded, ColumnTable
from accord.domain.playbook.catalog import AttributeCatalog
from accord.domain.playbook.validation import load_playbook
from accord.domain.scoring import CompiledPlaybook, compile_playbook, score_leads
from accord.synthetic import generate_company

STARTER = Path(__file__).resolve().parents[1] / "src" / "accord" / "starter" / "playbook.yaml"
AS_OF = datetime(2026, 6, 30, tzinfo=UTC)
NOW = AS_OF
PERIOD = Period(AS_OF - timedelta(days=365), AS_OF)
STARTER_RULE = 'mql: "fit >= 40 and (hand_raiser or intent >= 40)"'
DRAFT_RULE = 'mql: "fit >= 60 and (hand_raiser or intent >= 30)"'
UTC_US = pl.Datetime("us", "UTC")
US_PER_DAY = 86_400_000_000


# --- the data, as frames ---------------------------------------------------------------------------


def labels_of(column: Coded) -> pl.Series:
    labels = [str(label) if label is not None else None for label in column.labels]
    return pl.Series(column.codes.astype(np.int64)).replace_strict(
        dict(enumerate(labels)), return_dtype=pl.Categorical
    )


def history_of(leads: int, seed: int) -> History:
    company = generate_company(leads=leads, seed=seed, as_of=AS_OF)
    lead, account = company.table("lead"), company.table("account")
    activity, transition = company.table("activity"), company.table("lifecycletransition")
    account_index = np.asarray(lead.columns["account_id"]) - 1
    emails = pl.Series(np.asarray(lead.columns["email"]).tolist(), dtype=pl.String)
    account_frame = pl.DataFrame(
        {
            "employees": np.asarray(account.columns["employees"]).astype(np.float64),
            "industry": labels_of(_coded(account, "industry")),
            "country": labels_of(_coded(account, "country")),
        }
    )[account_index]
    leads_frame = pl.DataFrame(
        {
            "lead_id": np.asarray(lead.columns["id"]).astype(np.int64),
            "created_at": utc(lead.columns["created_at"]),
            "account.employees": account_frame["employees"],
            "account.industry": account_frame["industry"],
            "account.country": account_frame["country"],
            "lead.seniority": labels_of(_coded(lead, "seniority")),
            "lead.email_domain": emails.str.split("@").list.last().str.to_lowercase(),
        }
    )
    # Sorted by lead and time, as accord.queries.history reads them (the database's index order).
    activities = pl.DataFrame(
        {
            "lead_id": np.asarray(activity.columns["lead_id"]).astype(np.int64),
            "kind": labels_of(_coded(activity, "kind")),
            "occurred_at": utc(activity.columns["occurred_at"]),
        }
    ).sort("lead_id", "occurred_at")
    stage = labels_of(_coded(transition, "to_stage"))
    outcomes = (
        pl.DataFrame({"lead_id": np.asarray(transition.columns["lead_id"]).astype(np.int64), "stage": stage})
        .group_by("lead_id")
        .agg(
            pl.col("stage")
            .cast(pl.String)
            .is_in(["sql", "opportunity", "customer", "closed_lost"])
            .any()
            .alias("has_reached_sql"),
            (pl.col("stage").cast(pl.String) == "customer").any().alias("has_won"),
        )
    )
    return History(leads_frame, activities, outcomes)


def utc(seconds: object) -> pl.Series:
    return pl.Series(np.asarray(seconds).astype("datetime64[us]")).dt.replace_time_zone("UTC")


def _coded(table: ColumnTable, name: str) -> Coded:
    column = table.columns[name]
    assert isinstance(column, Coded)
    return column


def playbook(rule: str) -> CompiledPlaybook:
    text = STARTER.read_text().replace(STARTER_RULE, rule)
    return compile_playbook(load_playbook(text, AttributeCatalog()))


# --- the pandas baseline: the starter playbook written by hand ---------------------------------------


@dataclass(frozen=True)
class PandasPlaybook:
    """The starter playbook's rules as plain values; min_fit / min_intent are the MQL rule's."""

    min_fit: int
    min_intent: float
    window_days: int = 60
    half_life_days: float = 14
    points: tuple[tuple[str, int], ...] = (
        ("demo_request", 50),
        ("contact_request", 40),
        ("webinar_attended", 15),
        ("event_scan", 12),
        ("pricing_page_view", 10),
        ("form_fill", 10),
        ("content_download", 8),
        ("email_click", 3),
        ("page_view", 1),
    )
    hand_raisers: tuple[str, ...] = ("demo_request", "contact_request")


def pandas_fit(leads: pd.DataFrame) -> pd.DataFrame:
    employees, industry = leads["account.employees"], leads["account.industry"].astype("string").str.lower()
    seniority = leads["lead.seniority"].astype("string").str.lower()
    country = leads["account.country"].astype("string").str.lower()
    fit = (
        employees.between(50, 1000).astype(int) * 30
        + industry.isin(["software", "fintech"]).fillna(False).astype(int) * 25
        + industry.isin(["healthcare", "logistics", "professional_services"]).fillna(False).astype(int) * 10
        + seniority.isin(["director", "vp", "c_level"]).fillna(False).astype(int) * 25
        + seniority.isin(["manager"]).fillna(False).astype(int) * 10
        + country.isin(["us", "gb", "de", "nl", "ie"]).fillna(False).astype(int) * 10
    ).clip(0, 100)
    personal = leads["lead.email_domain"].isin(["gmail.com", "yahoo.com", "outlook.com", "hotmail.com"])
    return pd.DataFrame({"lead_id": leads["lead_id"], "fit": fit, "is_disqualified": personal.fillna(False)})


def pandas_intent(rules: PandasPlaybook, pairs: pd.DataFrame) -> pd.DataFrame:
    """pairs: eval_id, kind, age_us (instant - occurred_at). Intent and hand-raiser per eval_id."""
    window_us = rules.window_days * US_PER_DAY
    live = pairs[(pairs["age_us"] >= 0) & (pairs["age_us"] < window_us)]
    points = live["kind"].map(dict(rules.points)).astype("int64").to_numpy()
    half_lives = live["age_us"].to_numpy().astype(np.float64) / (rules.half_life_days * US_PER_DAY)
    millipoints = np.rint(points * 1000 * np.exp2(-half_lives)).astype(np.int64)
    live = live.assign(millipoints=millipoints, is_hand_raiser=live["kind"].isin(rules.hand_raisers))
    # The starter playbook caps no signal on its own: the per-kind cap step would be a no-op.
    per_instant = live.groupby("eval_id").agg(
        intent_millipoints=("millipoints", "sum"), is_hand_raiser=("is_hand_raiser", "any")
    )
    per_instant["intent_millipoints"] = per_instant["intent_millipoints"].clip(0, 100_000)
    return per_instant


def pandas_score(rules: PandasPlaybook, leads: pd.DataFrame, activities: pd.DataFrame) -> pd.DataFrame:
    """(a) every lead scored at NOW, with the MQL decision."""
    signals = activities[activities["kind"].isin([kind for kind, _ in rules.points])]
    now_us = int(NOW.timestamp() * 1_000_000)
    pairs = pd.DataFrame(
        {"eval_id": signals["lead_id"], "kind": signals["kind"], "age_us": now_us - signals["t_us"]}
    )
    intent = pandas_intent(rules, pairs)
    scored = pandas_fit(leads).set_index("lead_id").join(intent)
    scored["intent_millipoints"] = scored["intent_millipoints"].fillna(0).astype("int64")
    scored["is_hand_raiser"] = scored["is_hand_raiser"].fillna(False).astype(bool)
    return _with_mql(rules, scored)


def _with_mql(rules: PandasPlaybook, scored: pd.DataFrame) -> pd.DataFrame:
    intent = scored["intent_millipoints"].to_numpy() / 1000
    scored["is_mql"] = (
        ~scored["is_disqualified"]
        & (scored["fit"] >= rules.min_fit)
        & (scored["is_hand_raiser"] | (intent >= rules.min_intent))
    )
    return scored


def pandas_mql_dates(
    rules: PandasPlaybook, leads: pd.DataFrame, activities: pd.DataFrame, until_us: int, chunk_leads: int
) -> pd.Series:
    """(b) the first instant (creation or a signal) at which each lead passes: instants self-joined
    with the lead's signals, chunk by chunk of leads to bound memory."""
    signals = activities[activities["kind"].isin([kind for kind, _ in rules.points])]
    fit = pandas_fit(leads)
    eligible = fit[~fit["is_disqualified"] & (fit["fit"] >= rules.min_fit)]
    created = leads[["lead_id", "created_us"]].rename(columns={"created_us": "at_us"})
    instants = pd.concat([created, signals[["lead_id", "t_us"]].rename(columns={"t_us": "at_us"})])
    instants = instants[(instants["at_us"] < until_us) & instants["lead_id"].isin(eligible["lead_id"])]
    firsts = []
    lead_ids = instants["lead_id"].unique()
    for start in range(0, len(lead_ids), chunk_leads):
        chunk = instants[instants["lead_id"].isin(lead_ids[start : start + chunk_leads])].reset_index(
            drop=True
        )
        chunk["eval_id"] = np.arange(len(chunk))
        pairs = chunk.merge(signals, on="lead_id")
        pairs = pd.DataFrame(
            {"eval_id": pairs["eval_id"], "kind": pairs["kind"], "age_us": pairs["at_us"] - pairs["t_us"]}
        )
        intent = pandas_intent(rules, pairs)
        scored = chunk.join(intent, on="eval_id")
        scored["is_hand_raiser"] = scored["is_hand_raiser"].fillna(False).astype(bool)
        intent_points = scored["intent_millipoints"].fillna(0).to_numpy() / 1000
        passes = scored["is_hand_raiser"] | (intent_points >= rules.min_intent)
        firsts.append(scored[passes].groupby("lead_id")["at_us"].min())
    return pd.concat(firsts).sort_index() if firsts else pd.Series(dtype="int64")


def pandas_backtest(
    draft: PandasPlaybook, baseline: PandasPlaybook, leads: pd.DataFrame, activities: pd.DataFrame, chunk: int
) -> dict[str, set[int]]:
    start_us, end_us = (int(moment.timestamp() * 1_000_000) for moment in (PERIOD.start, PERIOD.end))
    in_period = {}
    for name, rules in (("draft", draft), ("baseline", baseline)):
        dates = pandas_mql_dates(rules, leads, activities, end_us, chunk)
        in_period[name] = set(dates[(dates >= start_us) & (dates < end_us)].index.tolist())
    return {
        "mqls": in_period["draft"],
        "gained": in_period["draft"] - in_period["baseline"],
        "lost": in_period["baseline"] - in_period["draft"],
    }


# --- timing -----------------------------------------------------------------------------------------


def timed(repeat: int, work: Callable[[], object]) -> tuple[float, object]:
    seconds, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = work()
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds), result


def machine() -> dict[str, str]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor(),
    )
    memory_kib = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    return {
        "cpu": cpu,
        "nproc": str(os.cpu_count()),
        "memory_gib": f"{memory_kib / 2**20:.1f}",
        "python": platform.python_version(),
        "polars": pl.__version__,
        "pandas": pd.__version__,
        "numpy": np.__version__,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; the median is reported")
    parser.add_argument("--pandas-chunk-leads", type=int, default=50_000)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    started = time.perf_counter()
    history = history_of(args.leads, args.seed)
    print(
        f"generated {history.leads.height:,} leads, {history.activities.height:,} activities "
        f"in {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    starter, draft = playbook(STARTER_RULE), playbook(DRAFT_RULE)
    pandas_starter, pandas_draft = PandasPlaybook(40, 40), PandasPlaybook(60, 30)
    pd_leads = history.leads.with_columns(created_us=pl.col("created_at").dt.epoch("us")).to_pandas()
    pd_activities = (
        history.activities.with_columns(
            pl.col("kind").cast(pl.String), t_us=pl.col("occurred_at").dt.epoch("us")
        )
        .drop("occurred_at")
        .to_pandas()
    )

    ours_score_s, ours_scored = timed(
        args.repeat, lambda: score_leads(starter, history.leads, history.activities, NOW)
    )
    print(f"(a) ours   {ours_score_s:.2f} s", flush=True)
    pandas_score_s, pandas_scored = timed(
        args.repeat, lambda: pandas_score(pandas_starter, pd_leads, pd_activities)
    )
    print(f"(a) pandas {pandas_score_s:.2f} s", flush=True)
    check_scores(ours_scored, pandas_scored)

    ours_bt_s, ours_bt = timed(args.repeat, lambda: backtest(draft, history, PERIOD, baseline=starter))
    print(f"(b) ours   {ours_bt_s:.2f} s", flush=True)
    pandas_bt_s, pandas_bt = timed(
        args.repeat,
        lambda: pandas_backtest(
            pandas_draft, pandas_starter, pd_leads, pd_activities, args.pandas_chunk_leads
        ),
    )
    print(f"(b) pandas {pandas_bt_s:.2f} s", flush=True)
    check_backtest(ours_bt, pandas_bt)  # type: ignore[arg-type]
    check_mql_dates(starter, history, pandas_starter, pd_leads, pd_activities, args.pandas_chunk_leads)

    report = {
        "leads": history.leads.height,
        "activities": history.activities.height,
        "machine": machine(),
        "score_at_now": side_by_side(ours_score_s, pandas_score_s, history.leads.height),
        "backtest_12_months_vs_other_version": side_by_side(ours_bt_s, pandas_bt_s, history.leads.height),
        "period_mqls": ours_bt.mqls.leads.count,  # type: ignore[attr-defined]
    }
    print(json.dumps(report, indent=2))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))


def side_by_side(ours_s: float, pandas_s: float, leads: int) -> dict[str, float]:
    return {
        "ours_s": round(ours_s, 3),
        "pandas_s": round(pandas_s, 3),
        "ours_leads_per_s": round(leads / ours_s),
        "pandas_leads_per_s": round(leads / pandas_s),
        "ratio_pandas_over_ours": round(pandas_s / ours_s, 2),
    }


def check_scores(ours: object, theirs: object) -> None:
    assert isinstance(ours, pl.DataFrame) and isinstance(theirs, pd.DataFrame)
    ours_sorted = ours.sort("lead_id")
    theirs_sorted = theirs.sort_index()
    assert ours_sorted["lead_id"].to_list() == theirs_sorted.index.tolist()
    assert ours_sorted["fit"].to_list() == theirs_sorted["fit"].tolist(), "fit differs"
    ours_millipoints = (ours_sorted["intent"] * 1000).round().cast(pl.Int64).to_list()
    assert ours_millipoints == theirs_sorted["intent_millipoints"].tolist(), "intent differs"
    assert ours_sorted["is_mql"].to_list() == theirs_sorted["is_mql"].tolist(), "is_mql differs"
    print(f"    equal: scores of {ours.height:,} leads, {sum(theirs['is_mql']):,} MQLs", flush=True)


def check_backtest(ours: object, theirs: dict[str, set[int]]) -> None:
    from accord.domain.backtest import Backtest

    assert isinstance(ours, Backtest) and ours.versus is not None
    assert set(ours.mqls.leads.lead_ids) == theirs["mqls"], "period MQLs differ"
    assert set(ours.versus.gained.leads.lead_ids) == theirs["gained"], "gained differ"
    assert set(ours.versus.lost.leads.lead_ids) == theirs["lost"], "lost differ"
    print(
        f"    equal: {len(theirs['mqls']):,} MQLs, {len(theirs['gained']):,} gained, "
        f"{len(theirs['lost']):,} lost",
        flush=True,
    )


def check_mql_dates(
    compiled: CompiledPlaybook,
    history: History,
    rules: PandasPlaybook,
    leads: pd.DataFrame,
    activities: pd.DataFrame,
    chunk: int,
) -> None:
    ours = simulate_mql_dates(compiled, history, until=PERIOD.end)
    theirs = pandas_mql_dates(rules, leads, activities, int(PERIOD.end.timestamp() * 1_000_000), chunk)
    assert ours["lead_id"].to_list() == theirs.index.tolist(), "MQL leads differ"
    assert ours["mql_at"].dt.epoch("us").to_list() == theirs.tolist(), "mql_at differs"
    print(f"    equal: first passing instant of {ours.height:,} leads", flush=True)


if __name__ == "__main__":
    sys.exit(main())
