"""The routes, one module per concept."""
