"""The vocabulary of the synthetic company: sources, firmographics, titles, activity kinds and the
scoring constants its MQL rule uses. The starter playbook (starter/playbook.yaml) states the same numbers."""

from __future__ import annotations

import numpy as np

COMPANY_EMAIL_DOMAIN = "northwind-demo.test"

SOURCE_GROUPS: dict[str, str] = {
    "paid_search": "marketing",
    "webinar": "marketing",
    "event": "marketing",
    "content": "marketing",
    "referral": "marketing",
    "outbound": "outbound",
    "partner": "partner",
}
SOURCES = tuple(SOURCE_GROUPS)
SOURCE_WEIGHTS = np.array([0.22, 0.12, 0.10, 0.18, 0.06, 0.22, 0.10])
CAMPAIGNS_PER_SOURCE = ("always-on", "spring push", "autumn launch")

INDUSTRIES = (
    "software",
    "fintech",
    "healthcare",
    "logistics",
    "professional_services",
    "manufacturing",
    "retail",
    "education",
    "media",
    "public_sector",
)
INDUSTRY_WEIGHTS = np.array([0.16, 0.09, 0.10, 0.09, 0.12, 0.14, 0.11, 0.07, 0.06, 0.06])
COUNTRIES = ("US", "GB", "DE", "NL", "IE", "FR", "ES", "SE", "AU", "CA", "BR", "IN")
COUNTRY_WEIGHTS = np.array([0.30, 0.14, 0.10, 0.05, 0.03, 0.08, 0.05, 0.04, 0.05, 0.06, 0.05, 0.05])

SENIORITIES = ("entry", "manager", "director", "vp", "c_level", "student")
SENIORITY_WEIGHTS = np.array([0.25, 0.30, 0.20, 0.12, 0.08, 0.05])
FUNCTIONS = ("Marketing", "Operations", "Finance", "IT", "Sales", "Engineering")
TITLE_PATTERNS = {
    "entry": "{function} Specialist",
    "manager": "{function} Manager",
    "director": "Director of {function}",
    "vp": "VP {function}",
    "c_level": "Chief {function} Officer",
    "student": "Student",
}
PERSONAL_EMAIL_DOMAINS = ("gmail.com", "yahoo.com", "outlook.com", "hotmail.com")
# Share of leads who sign up with a personal address; most students do.
PERSONAL_EMAIL_SHARE = 0.07
STUDENT_PERSONAL_EMAIL_SHARE = 0.8

FIRST_NAMES = (
    "Alex", "Sam", "Jordan", "Taylor", "Morgan", "Casey", "Jamie", "Robin", "Chris", "Pat", "Maria", "Anna",
    "Lena", "Sofia", "Nina", "Olivia", "Emma", "Mia", "Noah", "Liam", "Lucas", "Ben", "Tom", "Max", "Omar",
    "Aisha", "Yuki", "Ravi", "Priya", "Chen", "Wei", "Ana", "Diego", "Marta", "Jonas", "Lars", "Eva", "Ines",
)  # fmt: skip
LAST_NAMES = (
    "Smith", "Jones", "Brown", "Taylor", "Wilson", "Evans", "Thomas", "Moore", "Martin", "Lee", "Walker",
    "Young", "King", "Wright", "Green", "Baker", "Hall", "Clark", "Lewis", "Hughes", "Müller", "Schmidt",
    "Weber", "Fischer", "Jansen", "de Vries", "Bakker", "Murphy", "Kelly", "Dubois", "Garcia", "Lopez",
    "Silva", "Santos", "Nilsson", "Larsen", "Sato", "Tanaka", "Patel", "Singh", "Wang", "Li", "O'Brien",
)  # fmt: skip
COMPANY_PREFIXES = (
    "Bright", "North", "Blue", "Silver", "Green", "Rapid", "Clear", "Iron", "Nova", "Apex", "Cedar", "Summit",
    "Harbor", "Pixel", "Quant", "Terra", "Vertex", "Atlas", "Orbit", "Prime", "Lumen", "Stone", "Red", "Open",
)  # fmt: skip
COMPANY_CORES = (
    "wave", "field", "stack", "path", "bridge", "point", "works", "line", "gate", "forge", "loop", "mark",
    "leaf", "peak", "port", "grid", "core", "beam", "scale", "flow",
)  # fmt: skip
COMPANY_SUFFIXES = {
    "software": "Software", "fintech": "Pay", "healthcare": "Health", "logistics": "Logistics",
    "professional_services": "Partners", "manufacturing": "Industries", "retail": "Retail",
    "education": "Learning", "media": "Media", "public_sector": "Services",
}  # fmt: skip

# Fit rules (points, capped at 100): who the lead is. The playbook's `fit` section says the same.
FIT_EMPLOYEES_MIN, FIT_EMPLOYEES_MAX, FIT_EMPLOYEES_POINTS = 50, 1000, 30
FIT_CORE_INDUSTRIES, FIT_CORE_INDUSTRY_POINTS = ("software", "fintech"), 25
FIT_ADJACENT_INDUSTRIES = ("healthcare", "logistics", "professional_services")
FIT_ADJACENT_INDUSTRY_POINTS = 10
FIT_SENIOR, FIT_SENIOR_POINTS = ("director", "vp", "c_level"), 25
FIT_MANAGER_POINTS = 10
FIT_CORE_COUNTRIES, FIT_CORE_COUNTRY_POINTS = ("US", "GB", "DE", "NL", "IE"), 10

# Marketing signals and their intent points; hand-raisers qualify a fit lead on their own.
SIGNAL_KINDS = (
    "page_view",
    "pricing_page_view",
    "form_fill",
    "content_download",
    "webinar_attended",
    "email_click",
    "event_scan",
    "demo_request",
    "contact_request",
)
SIGNAL_POINTS = np.array([1, 10, 10, 8, 15, 3, 12, 50, 40], dtype=np.float64)
HAND_RAISER_KINDS = ("demo_request", "contact_request")
INTENT_WINDOW_DAYS = 60
INTENT_HALF_LIFE_DAYS = 14
MQL_MIN_FIT = 40
MQL_MIN_INTENT = 40
# Browsing vs buying: each signal comes from one of two mixes, the buying one more likely for engaged leads.
BROWSING_MIX = np.array([0.55, 0.015, 0.04, 0.10, 0.03, 0.24, 0.02, 0.003, 0.002])
BUYING_MIX = np.array([0.27, 0.22, 0.08, 0.13, 0.10, 0.09, 0.05, 0.04, 0.02])
FIRST_SIGNAL_BY_SOURCE = {
    "paid_search": "form_fill",
    "webinar": "webinar_attended",
    "event": "event_scan",
    "content": "content_download",
    "referral": "form_fill",
    "outbound": "email_click",
    "partner": "form_fill",
}
SIGNAL_DETAILS: dict[str, tuple[str, ...]] = {
    "page_view": ("/", "/product", "/integrations", "/customers", "/blog/scoreboard", "/blog/sla", "/about"),
    "pricing_page_view": ("/pricing", "/pricing/enterprise"),
    "form_fill": ("newsletter signup", "trial signup", "ROI calculator"),
    "content_download": (
        "MQL definition guide",
        "SLA template",
        "Pipeline review checklist",
        "Benchmark report",
    ),
    "webinar_attended": ("Fixing the MQL handoff", "Revenue metrics that matter", "Product tour live"),
    "email_click": ("newsletter", "nurture: case study", "nurture: pricing", "event invite"),
    "event_scan": ("SaaStr booth", "RevOps Summit booth", "Local meetup"),
    "demo_request": ("/demo",),
    "contact_request": ("/contact-sales",),
}

TOUCH_KINDS = ("call", "email", "meeting")
TOUCH_DETAILS: dict[str, tuple[str, ...]] = {
    "call": ("connected", "voicemail", "no answer"),
    "email": ("intro email", "follow-up email", "breakup email"),
    "meeting": ("discovery meeting", "qualification meeting"),
}

REJECTION_REASONS = ("not_icp", "no_budget", "student", "competitor", "no_response", "duplicate", "not_now")
OPPORTUNITY_STAGES = ("discovery", "proposal", "negotiation")
WON_STAGE, LOST_STAGE = "won", "lost"
LOSS_REASONS = ("price", "no_decision", "competitor", "timing", "missing_feature", "budget_cut")
COMPETITORS = ("Pipewise", "FunnelForge", "LeadLedger", "in-house spreadsheet")
