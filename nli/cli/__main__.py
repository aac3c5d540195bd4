"""``python -m nli.cli`` runs the command line, as ``nli`` does."""

import sys

from nli.cli import main

sys.exit(main())
