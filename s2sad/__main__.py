"""``python -m s2sad``: the same command line as the ``s2sad`` script."""
from s2sad.cli import main

raise SystemExit(main())
