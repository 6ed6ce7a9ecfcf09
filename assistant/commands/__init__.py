"""Sub-commands of the ``assistant`` CLI, one module per group (each imported by ``cli.build_parser``)."""
