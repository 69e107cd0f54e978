"""Cells written to CSV files people open in spreadsheets: never run as formulas."""

# A cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets (OWASP
# "CSV injection"); tab and carriage return also start one in some of them.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_csv_cell(value: object) -> str:
    """The value as CSV text, prefixed with an apostrophe when a spreadsheet would evaluate it.

    Numbers are left alone (-3 is a number, not a formula); any other text starting with a formula
    character gets a leading ' so it is shown as typed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text
