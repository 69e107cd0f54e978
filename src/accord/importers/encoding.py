"""Which text encoding an import file is in, decided from its first bytes: UTF-8 (BOM or not), UTF-16
by its BOM, or a confidently detected Windows-1252 / Latin-1; anything else is refused."""

from __future__ import annotations

import codecs
from pathlib import Path

import charset_normalizer

from accord.errors import InvalidInput

# How much of the file's start decides encoding, dialect and header (a few hundred rows of a wide export).
SAMPLE_BYTES = 256 * 1024
# charset-normalizer's "mess" score above which a cp1252 reading is a guess, not a detection.
MAX_LEGACY_CHAOS_PERCENT = 5.0
# Share of non-ASCII characters that directly follow another above which cp1252 is the wrong reading.
MAX_SHARE_IN_RUNS = 0.4
LEGACY_ENCODINGS = ("cp1252", "latin_1")
ZIP_MAGIC = b"PK\x03\x04"


class ImportFileError(InvalidInput):
    """A whole file cannot be imported: the message names the file and what was expected."""

    code = "import_file_invalid"


def detect_encoding(path: Path, sample: bytes) -> str:
    """The codec to read the file with; raises ImportFileError for empty, binary or unknown text."""
    if not sample.strip(b" \t\r\n\xef\xbb\xbf"):
        raise ImportFileError(f"{path.name} is empty; expected a header row and data rows")
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if sample.startswith(ZIP_MAGIC):
        raise ImportFileError(
            f"{path.name} is not a text file (it looks like a ZIP or Excel workbook); export it as CSV"
        )
    if b"\x00" in sample:
        raise ImportFileError(f"{path.name} is not a text file; expected CSV or JSON lines text")
    if _is_utf8_prefix(sample):
        return "utf-8"
    legacy = charset_normalizer.from_bytes(sample, cp_isolation=list(LEGACY_ENCODINGS)).best()
    if (
        legacy is not None
        and legacy.percent_chaos <= MAX_LEGACY_CHAOS_PERCENT
        and _reads_as_western(sample.decode("cp1252", errors="replace"))
    ):
        # cp1252 is a superset of Latin-1's printable characters, so one codec reads both.
        return "cp1252"
    raise ImportFileError(
        f"{path.name} is not UTF-8; save it as UTF-8 (or UTF-16 with a BOM, or Windows-1252) and retry"
    )


def _reads_as_western(text: str) -> bool:
    """Accented letters in Western text stand mostly alone between ASCII letters ('Müller', 'ação');
    a CJK or Cyrillic file read as cp1252 turns into long runs of symbols instead."""
    wide = [index for index, char in enumerate(text) if ord(char) > 127]
    if not wide:
        return True
    in_runs = sum(1 for index in wide if index > 0 and ord(text[index - 1]) > 127)
    return in_runs / len(wide) <= MAX_SHARE_IN_RUNS


def _is_utf8_prefix(sample: bytes) -> bool:
    """True when the sample is valid UTF-8, allowing a character cut in two at the sample's end."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(sample, final=False)
    except UnicodeDecodeError:
        return False
    return True
