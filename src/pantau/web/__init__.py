"""The web operations picture: the single-page app built from ``web/`` at install, served
at ``/`` by the API, and the few endpoints made for it (``/api/map/...``)."""
