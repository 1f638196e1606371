"""Live things in a notebook's kernel: local networks of real nodes, links, HTTP calls shown,
screenshots, the room dashboard, widgets."""
