"""`okanalysis.batch` is `okanalysis.report.batch` (the name the README and notebooks use)."""

import sys

from okanalysis.report import batch as _module

sys.modules[__name__] = _module
