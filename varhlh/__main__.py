"""``python -m varhlh`` runs the command line."""

from varhlh.cli import main

raise SystemExit(main())
