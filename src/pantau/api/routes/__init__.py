"""One router per resource; each is built from the service's data access and the
dependency that checks the caller's role."""
