"""The reproduction machinery a first reading skips: it runs every experiment of
minifa.experiments and writes the report.

  runner.py    `python -m minifa.reproduce`: flags, the order of the experiments, the report
  jobs.py      worker processes (`python -m minifa.experiments NN`), timeouts, Ctrl-C
  staging.py   a run as a transaction: staging folder, lock file, moving results into place
  report.py    render REPRODUCTION.md from the experiments' JSON claims
  compare.py   every claim of two reproduction folders, field by field (same numbers?)
"""
