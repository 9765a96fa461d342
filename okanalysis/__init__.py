"""okanalysis: participatory analysis for ชุมชนอินทรีย์อยู่ดีมีสุข, Nakhon Si Thammarat.

Load a province's data with `okanalysis.load(path)`; the domain modules (`ledger`, `potential`,
`people`, `plans`, `grading`...) take the returned `Dataset` and give pandas DataFrames;
`okanalysis.results` computes once what the reports and dashboards show.

The layers, bottom to top (imports point only down; tests/test_layers.py checks it): `core`
(errors, paths, labels, Thai formats, parameter files, spreadsheet-safe writing), `contract`
(the data contract, the Dataset, the hierarchy), `loading`, `topics` (ledger, potential, people,
plans, centres, finance, standards, budget, privacy), `charts`, `circles`, `grading`, `results`,
`pack`, `report`, `dashboard`, `demo`, and the command line. `okanalysis.ledger`,
`okanalysis.people`... are the topic modules themselves under their short names.

`load` and `Dataset` are imported when first used, so importing a part of the toolkit (a
dashboard kernel reading results) does not load the validation machinery.
"""

from typing import Any

from okanalysis.core.errors import InputError, OkanalysisError, ParameterError
from okanalysis.core.version import __version__

__all__ = ["Dataset", "InputError", "OkanalysisError", "ParameterError", "__version__", "load"]


def __getattr__(name: str) -> Any:
    if name == "load":
        from okanalysis.loading.validate import load

        return load
    if name == "Dataset":
        from okanalysis.contract.dataset import Dataset

        return Dataset
    raise AttributeError(f"module 'okanalysis' has no attribute {name!r}")
