"""Source -> derivative source.  ``pipeline.py`` lists the stages in order."""
