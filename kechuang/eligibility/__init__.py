"""资格评估: a pure rules engine over policies kept as versioned data files (see engine.py)."""
