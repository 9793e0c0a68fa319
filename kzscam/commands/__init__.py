"""One thin module per subcommand; shared options and plumbing in `common`."""
