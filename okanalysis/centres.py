"""`okanalysis.centres` is `okanalysis.topics.centres` (the name the README and notebooks use)."""

import sys

from okanalysis.topics import centres as _module

sys.modules[__name__] = _module
