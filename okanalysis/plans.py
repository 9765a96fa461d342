"""`okanalysis.plans` is `okanalysis.topics.plans` (the name the README and notebooks use)."""

import sys

from okanalysis.topics import plans as _module

sys.modules[__name__] = _module
