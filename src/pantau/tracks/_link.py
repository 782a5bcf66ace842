"""Numba kernel of segmentation: each point joins one of its vessel's open segments, or
opens a new one. The rule is documented in :mod:`pantau.tracks.segment`; the pure-Python
oracle in tests/tracks/_oracle.py states it again, line by line.

Every choice breaks ties by values of the segments themselves (metric, then points, then
id; for eviction: last time, then points, then id), never by their place in the slot
array, so the result does not depend on the order in which a stored state comes back.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from pantau.geo import EARTH_RADIUS_M, haversine_m
from pantau.tracks._ids import segment_id


@njit(cache=True, nogil=True)
def _remove(j, k, sid, first, last, slon, slat, sn):  # type: ignore[no-untyped-def]
    for q in range(j, k - 1):
        sid[q] = sid[q + 1]
        first[q] = first[q + 1]
        last[q] = last[q + 1]
        slon[q] = slon[q + 1]
        slat[q] = slat[q + 1]
        sn[q] = sn[q + 1]
    return k - 1


@njit(cache=True, nogil=True)
def _stalest(k, sid, last, sn):  # type: ignore[no-untyped-def]
    s = 0
    for q in range(1, k):
        if (last[q], sn[q], sid[q]) < (last[s], sn[s], sid[s]):
            s = q
    return s


@njit(cache=True, nogil=True)
def _metric(d_m, dt_s, n, max_speed_ms, buffer_s, alpha0, short_n):  # type: ignore[no-untyped-def]
    """How well a point continues a segment (higher is better); see SegmentParams."""
    padded_s = max(math.sqrt(dt_s * dt_s + buffer_s * buffer_s), 1e-6)
    alpha = alpha0 * d_m / (padded_s * max_speed_ms)
    a = n / short_n
    return math.exp(-alpha * alpha) / padded_s * (a / math.sqrt(1.0 + a * a))


@njit(cache=True, nogil=True)
def link(mmsi, t, lon, lat, v_start, v_end, s_from, s_to,  # type: ignore[no-untyped-def]
         st_id, st_first, st_last, st_lon, st_lat, st_n,
         max_speed_ms, noise_m, max_gap_us, max_open, buffer_s, alpha0, short_n,
         out_id, out_dt, out_dist, out_prev,
         ns_mmsi, ns_id, ns_first, ns_last, ns_lon, ns_lat, ns_n):
    """Label every point (sorted by mmsi, t) and write each vessel's open segments out;
    returns the number of state rows written."""
    scratch = np.empty(2, np.float64)
    sid = np.empty(max_open, np.int64)
    first = np.empty(max_open, np.int64)
    last = np.empty(max_open, np.int64)
    slon = np.empty(max_open, np.float64)
    slat = np.empty(max_open, np.float64)
    sn = np.empty(max_open, np.int64)
    w = 0
    for v in range(v_start.shape[0]):
        k = 0
        for r in range(s_from[v], s_to[v]):  # seed from the state, as if fed in again
            if k == max_open:
                k = _remove(_stalest(k, sid, last, sn), k, sid, first, last, slon, slat, sn)
            sid[k] = st_id[r]
            first[k] = st_first[r]
            last[k] = st_last[r]
            slon[k] = st_lon[r]
            slat[k] = st_lat[r]
            sn[k] = st_n[r]
            k += 1
        for i in range(v_start[v], v_end[v]):
            ti = t[i]
            best = -1
            best_metric = 0.0
            best_d = 0.0
            best_dt = 0.0
            j = 0
            while j < k:
                dt_us = ti - last[j]
                if dt_us > max_gap_us:  # input is time-sorted: it can never be joined again
                    k = _remove(j, k, sid, first, last, slon, slat, sn)
                    continue
                if dt_us >= 0:  # a segment never grows backwards (late data: see segment)
                    dt_s = dt_us * 1e-6
                    reach = max(noise_m, max_speed_ms * dt_s)
                    # the latitude difference alone bounds the distance from below: most
                    # far segments (other transmitters, glitches) are ruled out without trig;
                    # the margin keeps every decision the one the full formula would make
                    if EARTH_RADIUS_M * abs(math.radians(lat[i] - slat[j])) > (
                            reach * (1.0 + 1e-9) + 1e-6):
                        j += 1
                        continue
                    d = haversine_m(slon[j], slat[j], lon[i], lat[i])
                    if d <= reach:
                        mt = _metric(d, dt_s, sn[j], max_speed_ms, buffer_s, alpha0, short_n)
                        if best < 0 or (mt, sn[j], -sid[j]) > (best_metric, sn[best],
                                                               -sid[best]):
                            best = j
                            best_metric = mt
                            best_d = d
                            best_dt = dt_s
                j += 1
            if best >= 0:
                out_id[i] = sid[best]
                out_dt[i] = best_dt
                out_dist[i] = best_d
                out_prev[i] = True
                last[best] = ti
                slon[best] = lon[i]
                slat[best] = lat[i]
                sn[best] += 1
            else:
                if k == max_open:
                    k = _remove(_stalest(k, sid, last, sn), k, sid, first, last, slon, slat,
                                sn)
                sid[k] = segment_id(mmsi[i], ti, lon[i], lat[i], scratch)
                first[k] = ti
                last[k] = ti
                slon[k] = lon[i]
                slat[k] = lat[i]
                sn[k] = 1
                k += 1
                out_id[i] = sid[k - 1]
                out_dt[i] = np.nan
                out_dist[i] = np.nan
                out_prev[i] = False
        m = mmsi[v_start[v]] if v_end[v] > v_start[v] else -1
        for q in range(k):
            ns_mmsi[w] = m
            ns_id[w] = sid[q]
            ns_first[w] = first[q]
            ns_last[w] = last[q]
            ns_lon[w] = slon[q]
            ns_lat[w] = slat[q]
            ns_n[w] = sn[q]
            w += 1
    return w
