"""``python -m scraper`` runs the ``xxgk`` CLI."""

from scraper.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
