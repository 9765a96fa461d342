"""okanalysis: participatory analysis for ชุมชนอินทรีย์อยู่ดีมีสุข, Nakhon Si Thammarat.

Load a province's data with `okanalysis.load(path)`; the domain modules (`ledger`, `potential`,
`people`, `plans`, `grading`...) take the returned `Dataset` and give pandas DataFrames.
"""

from okanalysis.dataset import Dataset
from okanalysis.errors import InputError, OkanalysisError, ParameterError
from okanalysis.validate import load

__version__ = "0.1.0"

__all__ = ["Dataset", "InputError", "OkanalysisError", "ParameterError", "__version__", "load"]
