"""pvplanner: rooftop solar PV sizing and carbon-asset planning for companies."""

__version__ = "0.1.0"
