"""Partner information sharing: agreements, the release policy, formats, audit."""
