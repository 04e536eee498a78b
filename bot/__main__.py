"""`python -m bot` runs the `ipfacts` command."""

from bot.cli import cli

cli()
