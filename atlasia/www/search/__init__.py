"""Search screens: the search page, "Cela ressemble à…" suggestions, the similar-records panel and the
probable-duplicates page of the national team."""
