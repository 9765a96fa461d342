"""`okanalysis.budget` is `okanalysis.topics.budget` (the name the README and notebooks use)."""

import sys

from okanalysis.topics import budget as _module

sys.modules[__name__] = _module
