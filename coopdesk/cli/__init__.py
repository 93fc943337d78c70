"""The `coopdesk` command line: one module per feature over the same core as the window."""
