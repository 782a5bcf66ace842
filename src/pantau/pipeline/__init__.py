"""Orchestration: the data flow of DESIGN.md wired end to end over the store."""
