"""`okanalysis.privacy` is `okanalysis.topics.privacy` (the name the README and notebooks use)."""

import sys

from okanalysis.topics import privacy as _module

sys.modules[__name__] = _module
