"""`python -m metrics` is the `charter` command."""

from metrics.cli import main

raise SystemExit(main())
