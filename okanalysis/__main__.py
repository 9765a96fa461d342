"""`python -m okanalysis` runs the command line."""

import sys

from okanalysis.cli import main

sys.exit(main())
