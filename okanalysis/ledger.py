"""`okanalysis.ledger` is `okanalysis.topics.ledger` (the name the README and notebooks use)."""

import sys

from okanalysis.topics import ledger as _module

sys.modules[__name__] = _module
