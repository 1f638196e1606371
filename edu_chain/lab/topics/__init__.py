"""Topic models the lessons compute with: attacks, Bitcoin, collisions, energy, incentives,
retargeting, selfish mining."""
