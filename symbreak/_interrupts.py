"""Whether the user has been told about a Ctrl-C (set by the CLI, read by the entry point)."""

reported = False
