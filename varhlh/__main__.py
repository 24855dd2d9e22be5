"""``python -m varhlh`` runs the command line."""

from varhlh.cli import entry

entry()
