"""`okanalysis.potential` is `okanalysis.topics.potential` (the name the README and notebooks use)."""

import sys

from okanalysis.topics import potential as _module

sys.modules[__name__] = _module
