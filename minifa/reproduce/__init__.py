"""The reproduction machinery a first reading skips: it runs the tutorials and writes the report.

  tutorial.py  what every tutorial shares: run sizes (--quick, --lab, paper), flags,
               deviations from the paper, data, saving the figure and the numbers
  claims.py    a claim of the paper, tested (t-tests from minifa.stats) as a JSON record
  plots.py     the figure helpers the tutorials share (mean +- sd bands, bars)
  runner.py    `python -m minifa.reproduce`: run every tutorial, collect the records
  report.py    render REPRODUCTION.md from them
"""
