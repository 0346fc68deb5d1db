"""xxgk I/O shell: inputs, fetch, archive, normalise, write, pipeline, CLI."""

__version__ = "0.1.0"
