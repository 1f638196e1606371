"""Pictures for the notebooks (matplotlib): chains, trees, experiments, attacks, incentives."""
