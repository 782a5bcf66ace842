"""pantau: open, self-hostable maritime domain awareness and partner information sharing."""

__version__ = "0.1.0"
