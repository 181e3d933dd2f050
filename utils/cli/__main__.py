"""`python -m utils.cli COMMAND`: runs the command line (`utils.cli.main`)."""

import sys

from utils.cli import main

sys.exit(main())
