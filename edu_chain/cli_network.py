"""Subcommands of the network layer (filled in by the network issue)."""


def add_commands(commands) -> None:
    return None
