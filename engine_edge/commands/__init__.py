"""Sub-commands of `keepsake` (see engine_edge.cli.COMMANDS)."""
