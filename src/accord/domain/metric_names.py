"""The names of Accord's shared metrics (DESIGN §5), as the playbook's thresholds and targets cite them."""

METRIC_NAMES: tuple[str, ...] = (
    "mqls",
    "mql_to_sql_rate",
    "sql_to_won_rate",
    "mql_to_won_rate",
    "pipeline_generated",
    "win_rate",
    "sales_cycle_days",
    "lead_to_revenue_days",
    "revenue",
    "median_response_hours",
    "p90_response_hours",
    "response_within_1h_rate",
    "response_within_sla_rate",
    "sla_compliance",
    "rejection_rate",
    "stalled_deals",
    "content_win_rate",
    "cost_per_sql",
    "pipeline_roi",
)
