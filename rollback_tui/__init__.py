"""rollback-tui: write emergency rollback plans, and run them as a checklist."""
