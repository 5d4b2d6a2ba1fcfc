"""Kechuang (科创): the innovation platform of a county Science & Technology Bureau."""
