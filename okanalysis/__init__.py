"""okanalysis: participatory analysis for ชุมชนอินทรีย์อยู่ดีมีสุข, Nakhon Si Thammarat.

Load a province's data with `okanalysis.load(path)`; the domain modules (`ledger`, `potential`,
`people`, `plans`, `grading`...) take the returned `Dataset` and give pandas DataFrames.
"""

from okanalysis.contract.dataset import Dataset
from okanalysis.core.errors import InputError, OkanalysisError, ParameterError
from okanalysis.core.version import __version__
from okanalysis.loading.validate import load

__all__ = ["Dataset", "InputError", "OkanalysisError", "ParameterError", "__version__", "load"]
