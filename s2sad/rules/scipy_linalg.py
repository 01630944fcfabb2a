"""(filled in by the coverage work of issue 12)."""
