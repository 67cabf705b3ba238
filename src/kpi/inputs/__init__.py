"""Reading the inputs: the strategy model, the data tables and the checks that tie them together."""
