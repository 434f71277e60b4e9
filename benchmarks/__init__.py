"""Run every solution notebook in fast mode and measure it: wall time, peak memory, headline metric.

    python -m benchmarks                       # all of solutions/NN_topic/NN_topic.ipynb
    python -m benchmarks --only 01_unpooling   # just one (or a few)

The table is printed as markdown and the numbers are merged into benchmarks/results.json.
"""
