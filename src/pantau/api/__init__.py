"""The service's HTTP API (FastAPI) and its users, roles and tokens: an adapter at the
edge, reading the same store and archive as the command line."""
