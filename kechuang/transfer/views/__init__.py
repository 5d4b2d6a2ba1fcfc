"""Pages of technology transfer; chains and events live in their own modules."""
