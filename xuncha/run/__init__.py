"""Running inspections: one site (``inspection``), its crawl process, how it ends (``outcome``),
what it writes (``outputs``), a night of sites, run locks, probes and distributed runs."""
