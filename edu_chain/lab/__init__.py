"""The lab layer: in-notebook networks, widgets, plots, experiments and exercise checks."""
