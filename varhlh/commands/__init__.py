"""Sub-commands of the ``varhlh`` command line: each module has ``register(subparsers, parents)`` (``parents`` carries -q/-v/--debug) and
``run(args, argv) -> int``. :mod:`varhlh.cli` lists them in ``COMMANDS``."""
