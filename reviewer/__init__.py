"""Contract Reviewer: checks IT support and SaaS support contracts against a review checklist."""

__version__ = "0.1.0"
