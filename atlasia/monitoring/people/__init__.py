"""People: AI literacy (training catalogue, completions, coverage, AI Act Art. 4) and the ambassadors
network (referents, events, shared resources)."""
