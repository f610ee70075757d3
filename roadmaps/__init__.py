"""roadmaps package."""
