"""Parser version, recorded in every output row (cheap to import: no stage modules)."""

from __future__ import annotations

from .catalogue import CATALOGUE_VERSION

__all__ = ["PARSER_VERSION", "__version__"]

__version__ = "0.1.0"
PARSER_VERSION = f"{__version__}+cat{CATALOGUE_VERSION}"
