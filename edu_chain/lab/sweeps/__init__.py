"""Mining-cost sweeps: trials, the runner that runs them, exact statistics, progress bars."""
