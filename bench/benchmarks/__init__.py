"""One module per benchmark of bench/run.py (issue 20's table), each with ``run(plan) -> rows``."""
