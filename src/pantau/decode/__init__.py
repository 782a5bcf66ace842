"""AIS decoding: NMEA 0183 / IEC 61162-450 text in, columnar Arrow tables out.

>>> from pantau.decode import Decoder
>>> d = Decoder()
>>> d.feed(b"!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A\\n")
>>> d.end_input()
>>> [b.positions.column("mmsi")[0].as_py() for b in d.drain()]
[371798000]
"""

from pantau.decode.decoder import DecodeCounts, DecodedBatch, DecodeOptions, Decoder
from pantau.decode.reasons import Reject, Skip
from pantau.decode.sources import decode_input, decode_inputs

__all__ = [
    "DecodeCounts",
    "DecodeOptions",
    "DecodedBatch",
    "Decoder",
    "Reject",
    "Skip",
    "decode_input",
    "decode_inputs",
]
