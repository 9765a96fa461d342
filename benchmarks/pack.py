"""District pack benchmark: the size of the largest district's pack and the time to build it.

    .venv/bin/python benchmarks/pack.py                   # demo province at scale 1
    .venv/bin/python benchmarks/pack.py --scale 0.1       # a smaller province
    .venv/bin/python benchmarks/pack.py --data data/demo  # an existing province (raw or results)

1. The demo province is written as Parquet (not timed) and its results computed once
   (`results.build`, timed apart: a district office has them already).
2. The largest district (most villages) is packed without and with household rows
   (`okanalysis.pack.build`): the time of each, the folder's and the zip's size in MB.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path


def _mb(path: Path) -> float:
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--data", help="an existing province (raw data or a results folder)")
    args = parser.parse_args()

    from okanalysis.pack.build import build as build_pack
    from okanalysis.results import tables as rt
    from okanalysis.results.build import build as build_results

    with tempfile.TemporaryDirectory(prefix="okanalysis-pack-") as tmp:
        root = Path(tmp)
        data = Path(args.data) if args.data else None
        if data is None:
            from okanalysis.demo import synthetic
            from okanalysis.loading import io

            data = root / "demo"
            io.write_dataset(synthetic.generate(args.scale, 2551), data, "parquet")
        started = time.perf_counter()
        results = build_results(data, out=root / "results")
        built = time.perf_counter() - started
        units = results.table(rt.UNITS, columns=["amphoe_code"])
        district = str(units["amphoe_code"].value_counts().idxmax())
        villages = int((units["amphoe_code"] == district).sum())
        print(f"results.build: {built:.1f} s; largest district {district}: {villages} villages")
        for households in (False, True):
            started = time.perf_counter()
            pack = build_pack(
                district,
                data=results.path,
                out=root / f"packs-{households}",
                households=households,
                store=root / "no-store.sqlite",
            )
            seconds = time.perf_counter() - started
            print(
                f"pack {district} households={households}: {seconds:.2f} s, "
                f"folder {_mb(pack.folder):.1f} MB, zip {_mb(pack.zip):.1f} MB"
            )


if __name__ == "__main__":
    main()
