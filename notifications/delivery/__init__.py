"""Delivery: the tick that plans, records and sends, and what happens when a send fails."""
