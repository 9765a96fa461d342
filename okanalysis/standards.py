"""`okanalysis.standards` is `okanalysis.topics.standards` (the name the README and notebooks use)."""

import sys

from okanalysis.topics import standards as _module

sys.modules[__name__] = _module
