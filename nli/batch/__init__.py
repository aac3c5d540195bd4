"""Many article sets in one run (``nli score-sets``): reading sets, scoring them in workers, resumable output."""
