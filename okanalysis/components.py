"""`okanalysis.components` is `okanalysis.core.components` (the name the README and notebooks use)."""

import sys

from okanalysis.core import components as _module

sys.modules[__name__] = _module
