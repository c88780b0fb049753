"""stdcrawl's benchmark suite (`make bench`, `make bench-quick`; issue 6).

Every figure is measured next to its baseline in the same run, on the same
machine, and reported as a ratio of medians: the machines this runs on are
shared and noisy, single absolute times mean little. `python -m bench.run`
is the driver; each measurement is one module.
"""
