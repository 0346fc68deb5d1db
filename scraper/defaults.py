"""Named defaults of the network side, in a module that imports nothing heavy.

``xxgk --help`` must start fast, so the CLI builds its parsers from these constants without
importing httpx, asyncio, warcio or sqlite3; ``fetch``, ``update`` and ``discover`` re-export them.
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "DEFAULT_ARCHIVE_DIR", "DEFAULT_DELAY_S", "DEFAULT_MAX_BODY_BYTES", "DEFAULT_MAX_PAGES",
    "DEFAULT_OUT_DIR", "DEFAULT_PER_HOST", "DEFAULT_RETRIES", "DEFAULT_TIMEOUT_S",
    "EXIT_ARCHIVE", "EXIT_FAILED", "EXIT_LOCKED", "EXIT_OK", "EXIT_USAGE",
]

DEFAULT_DELAY_S = 2.0  # between request starts to one host
DEFAULT_PER_HOST = 1
DEFAULT_TIMEOUT_S = 30.0  # connect / each read
DEFAULT_RETRIES = 4
DEFAULT_MAX_BODY_BYTES = 50 * 1024 * 1024
DEFAULT_MAX_PAGES = 10  # listing pages followed per listing URL
DEFAULT_ARCHIVE_DIR = Path("output/archive")
DEFAULT_OUT_DIR = Path("output")
EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_ARCHIVE, EXIT_LOCKED = 0, 1, 2, 3, 4
