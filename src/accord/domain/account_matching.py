"""Matching an imported lead to an account when the source does not name one.

Rules, in order: the e-mail's domain, the website's domain, the normalised company name. A personal
mailbox domain (gmail.com …) never matches, and a key shared by two accounts matches neither: a wrong
account is worse than none."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from urllib.parse import urlsplit

# Free mailbox providers: a lead writing from one says nothing about its employer.
PERSONAL_EMAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "yahoo.com",
        "yahoo.co.uk",
        "yahoo.fr",
        "ymail.com",
        "hotmail.com",
        "hotmail.co.uk",
        "hotmail.fr",
        "outlook.com",
        "live.com",
        "msn.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "aol.com",
        "proton.me",
        "protonmail.com",
        "gmx.com",
        "gmx.de",
        "gmx.net",
        "web.de",
        "mail.com",
        "yandex.com",
        "yandex.ru",
        "mail.ru",
        "qq.com",
        "163.com",
        "zoho.com",
        "fastmail.com",
        "uol.com.br",
        "bol.com.br",
        "terra.com.br",
    }
)
# Distinct (e-mail domain, website, company) keys an AccountMatcher remembers before starting afresh:
# a few MB, while a million-lead file has far fewer distinct companies than leads.
MATCHER_MEMO_KEYS = 100_000
# Legal-form words dropped from the end of a company name before comparing.
LEGAL_SUFFIXES = frozenset(
    {
        "inc",
        "incorporated",
        "ltd",
        "limited",
        "llc",
        "llp",
        "plc",
        "corp",
        "corporation",
        "co",
        "company",
        "gmbh",
        "ag",
        "sa",
        "sas",
        "sarl",
        "srl",
        "spa",
        "bv",
        "nv",
        "ab",
        "oy",
        "as",
        "aps",
        "pty",
        "kg",
        "ltda",
        "me",
        "eireli",
    }
)


class MatchRule(StrEnum):
    EXPLICIT = "explicit"
    EMAIL_DOMAIN = "email_domain"
    WEBSITE_DOMAIN = "website_domain"
    COMPANY_NAME = "company_name"
    NONE = "none"


def normalise_domain(value: str) -> str:
    """'https://www.Acme.com/about' and 'acme.com' both give 'acme.com'."""
    text = value.strip().lower()
    if not text:
        return ""
    host = urlsplit(text if "//" in text else "//" + text).hostname or ""
    return host.removeprefix("www.").rstrip(".")


def email_domain(email: str) -> str:
    _, at, domain = email.strip().lower().rpartition("@")
    return normalise_domain(domain) if at else ""


def normalise_company_name(name: str) -> str:
    """Lowercase, accents and punctuation removed, legal suffixes dropped: 'ACME, Inc.' → 'acme'."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    words = re.sub(r"[^a-z0-9]+", " ", plain.replace(".", "")).split()
    while len(words) > 1 and words[-1] in LEGAL_SUFFIXES:
        words.pop()
    return " ".join(words)


@dataclass(frozen=True)
class AccountIndex:
    """Keys to account ids; a key that several accounts share maps to None (ambiguous)."""

    by_domain: Mapping[str, int | None]
    by_name: Mapping[str, int | None]


def build_account_index(accounts: list[tuple[int, str, str]]) -> AccountIndex:
    """From (id, domain, name) rows."""
    by_domain: dict[str, int | None] = {}
    by_name: dict[str, int | None] = {}
    for account_id, domain, name in accounts:
        for index, key in ((by_domain, normalise_domain(domain)), (by_name, normalise_company_name(name))):
            if key:
                index[key] = account_id if index.get(key, account_id) == account_id else None
    return AccountIndex(by_domain, by_name)


def match_account(
    index: AccountIndex, *, email: str, website: str, company_name: str
) -> tuple[int | None, MatchRule]:
    domain = email_domain(email)
    if domain and domain not in PERSONAL_EMAIL_DOMAINS and index.by_domain.get(domain):
        return index.by_domain[domain], MatchRule.EMAIL_DOMAIN
    site = normalise_domain(website)
    if site and site not in PERSONAL_EMAIL_DOMAINS and index.by_domain.get(site):
        return index.by_domain[site], MatchRule.WEBSITE_DOMAIN
    name = normalise_company_name(company_name)
    if name and index.by_name.get(name):
        return index.by_name[name], MatchRule.COMPANY_NAME
    return None, MatchRule.NONE


@dataclass
class AccountMatcher:
    """match_account over one index, remembered by (e-mail domain, website, company name): the leads of
    one company share them, and normalising them was most of the matching's cost per lead."""

    index: AccountIndex
    memo: dict[tuple[str, str, str], tuple[int | None, MatchRule]] = field(default_factory=dict)

    def match(self, *, email: str, website: str, company_name: str) -> tuple[int | None, MatchRule]:
        if not (self.index.by_domain or self.index.by_name):
            return None, MatchRule.NONE
        # From the last "@" on is all of an e-mail that the match reads ("" when it has none).
        at = email.rfind("@")
        key = (email[at:] if at >= 0 else "", website, company_name)
        found = self.memo.get(key)
        if found is None:
            if len(self.memo) >= MATCHER_MEMO_KEYS:
                self.memo.clear()
            found = match_account(self.index, email=email, website=website, company_name=company_name)
            self.memo[key] = found
        return found
