"""Sub-commands of the ``varhlh`` command line: all argument parsing lives here.

Each module has ``register(subparsers, parents)`` (``parents`` carries -q/-v/--debug) and
``run(args, argv) -> int``; :data:`varhlh.cli.COMMANDS` lists them.
"""
