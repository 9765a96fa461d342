"""`okanalysis.people` is `okanalysis.topics.people` (the name the README and notebooks use)."""

import sys

from okanalysis.topics import people as _module

sys.modules[__name__] = _module
