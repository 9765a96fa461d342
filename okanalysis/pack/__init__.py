"""okanalysis.pack: a district pack for a laptop with no network.

`build(district, data=..., out="packs", households=False)` writes one district's results, the
parameters and rubric they were computed with, the toolkit's version and the district's circle
records so far into `packs/amphoe-<code>/` and `packs/amphoe-<code>.zip`; `open_pack(path)`
opens one (the folder or the zip) with this machine's own circle store in it. Modules inside
okanalysis import the defining module, never this file.
"""

from okanalysis.pack.build import BuiltPack, build, check_district
from okanalysis.pack.opening import Pack, is_pack, open_pack, unpack

__all__ = ["BuiltPack", "Pack", "build", "check_district", "is_pack", "open_pack", "unpack"]
