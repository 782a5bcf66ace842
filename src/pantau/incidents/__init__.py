"""From events to what a watch officer acts on: alert rules (here), the incident
lifecycle (:mod:`pantau.incidents.lifecycle`) and their store adapter (:mod:`.store`).

>>> from pantau.incidents import DEFAULT_RULES, raise_alerts   # doctest: +SKIP
>>> alerts = raise_alerts(events, DEFAULT_RULES, lookup)        # doctest: +SKIP
"""

from pantau.incidents.alerts import SEVERITIES, Alert, Lookup, raise_alerts
from pantau.incidents.rules import DEFAULT_RULES, Rule, RulesError, load_rules, parse_rules

__all__ = ["DEFAULT_RULES", "SEVERITIES", "Alert", "Lookup", "Rule", "RulesError",
           "load_rules", "parse_rules", "raise_alerts"]
