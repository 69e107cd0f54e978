"""A seeded, vectorised generator of a synthetic B2B company (pure Python and numpy, no Django)."""

from accord.synthetic.catalog import SOURCE_GROUPS
from accord.synthetic.company import DemoUser, SyntheticCompany, generate_company

__all__ = ["SOURCE_GROUPS", "DemoUser", "SyntheticCompany", "generate_company"]
