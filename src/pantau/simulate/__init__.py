"""Producing AIS traffic: payload encoding and NMEA framing, the inverse of pantau.decode."""

from pantau.simulate.encode import STANDARD_BITS, encode_payload, sentences, tagged

__all__ = ["STANDARD_BITS", "encode_payload", "sentences", "tagged"]
