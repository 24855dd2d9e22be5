"""Sub-commands of the ``varhlh`` command line.

Each module has ``register(subparsers, parents)`` (``parents`` carries -q/-v/--debug) and
``run(args, argv) -> int``; :mod:`varhlh.cli` lists them in ``COMMANDS``.
"""
