"""One module per benchmark of issue 5; each has ``run(plan) -> list[Row]``."""
