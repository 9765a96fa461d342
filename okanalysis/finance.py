"""`okanalysis.finance` is `okanalysis.topics.finance` (the name the README and notebooks use)."""

import sys

from okanalysis.topics import finance as _module

sys.modules[__name__] = _module
