"""PV and battery sizing by optimization: arrays and costs in, sizes and dispatch out.

Knows nothing of pvlib, tariffs or the UI.
"""
