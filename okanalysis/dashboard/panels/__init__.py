"""The circle screen's panels, one module each: at a glance (`glance`), household accounts
(`accounts`), money leaving (`opportunities`), potential levels (`potential`), the five
components (`components`), the freedom table and its people (`people`), the master plan
(`plans`), learning centre, finance and standards (`topics`).

Each is pure: `CircleData` + a village code + a language -> HTML (and plotly figures), read
from the village's district's result tables. A table with nothing to show raises
`NothingToShow`, which the screen turns into a notice; any other error is a fault.
"""
