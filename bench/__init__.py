"""The on-demand benchmark for issue 5 (``make bench``; see bench/README.md)."""
