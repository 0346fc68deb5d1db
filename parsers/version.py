"""Parser version, recorded in every output row (cheap to import: no stage modules).

It names the code version and both catalogue versions, because a catalogue change alone can
change ``indicator_id`` values in the output.
"""

from __future__ import annotations

from importlib import resources

from .catalogue import CATALOGUE_VERSION

__all__ = ["PARSER_VERSION", "__version__"]

__version__ = "0.1.0"


def _era2_catalogue_version() -> str:
    first = resources.files("parsers").joinpath("data/catalogue_era2.csv").read_text("utf-8").split("\n", 1)[0]
    return first.split(":", 1)[1].strip() if first.startswith("# catalogue_version:") else "0"


PARSER_VERSION = f"{__version__}+cat{CATALOGUE_VERSION}.{_era2_catalogue_version()}"
