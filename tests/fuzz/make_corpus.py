#!/usr/bin/python3
# Makes the seed corpora of the fuzz harnesses (tests/fuzz/corpus/<harness>/seed-*)
# from small cuts of the recordings in data/ and from small crafted files.
# SPDX-License-Identifier: BSD-3-Clause
#
# usage: tests/fuzz/make_corpus.py [--data DIR] [--out DIR]
#
# Python 3 standard library only. Deterministic: the same data/ gives the same
# bytes, so rerunning it changes nothing unless data/ or this script changed.
# Only seed-* files are (re)written; the inputs libFuzzer found (merged in with
# -merge=1) and the crash-* reproducers are left alone.
#
# Each reader harness takes 16 control bytes (fuzz_reader.h) before the file;
# the core harness takes a configuration and a program of operations
# (fuzz_core.c): both are spelled out below.

import argparse
import math
import os
import struct
import subprocess
import sys
import tempfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

# --------------------------------------------------------------------------- data


def riff_chunks(data):
    """The chunks of a RIFF/WAVE file: {id: bytes} (the first of each id)."""
    out = {}
    pos = 12
    while pos + 8 <= len(data):
        cid = data[pos:pos + 4]
        size = struct.unpack_from('<I', data, pos + 4)[0]
        out.setdefault(cid, data[pos + 8:pos + 8 + size])
        pos += 8 + size + (size & 1)
    return out


def read_float_wav(path):
    """(rate, channels, frames as lists of floats) of a 32-bit float WAV."""
    data = open(path, 'rb').read()
    ch = riff_chunks(data)
    tag, n_ch, rate, _, _, bits = struct.unpack_from('<HHIIHH', ch[b'fmt '])
    if tag != 3 or bits != 32:
        raise SystemExit('%s: expected 32-bit float WAV' % path)
    raw = ch[b'data']
    n = len(raw) // (4 * n_ch)
    vals = struct.unpack('<%df' % (n * n_ch), raw[:n * n_ch * 4])
    return rate, n_ch, [list(vals[i * n_ch:(i + 1) * n_ch]) for i in range(n)]


def twitch_onsets(events_tsv, kind='ltr'):
    out = []
    for line in open(events_tsv):
        f = line.rstrip('\n').split('\t')
        if len(f) > 2 and f[2] == kind:
            out.append(float(f[0]))
    return out


def finite(x):
    return not (math.isnan(x) or math.isinf(x))


# --------------------------------------------------------------------------- files

def wav(frames, rate, n_ch, fmt):
    """A WAV of frames: fmt 'f32' (tag 3), 's16', 's24'."""
    if fmt == 'f32':
        tag, bits = 3, 32
        body = b''.join(struct.pack('<%df' % n_ch, *f) for f in frames)
    else:
        tag, bits = 1, 16 if fmt == 's16' else 24
        full = 32767 if bits == 16 else 8388607
        peak = max([abs(v) for f in frames for v in f if finite(v)] + [1e-30])
        out = bytearray()
        for f in frames:
            for v in f:
                q = int(round((v if finite(v) else 0.0) / peak * full))
                out += struct.pack('<h', q) if bits == 16 else struct.pack('<i', q)[:3]
        body = bytes(out)
    block = n_ch * bits // 8
    fmt_chunk = struct.pack('<HHIIHH', tag, n_ch, rate, rate * block, block, bits)
    data = b'fmt ' + struct.pack('<I', len(fmt_chunk)) + fmt_chunk
    data += b'data' + struct.pack('<I', len(body)) + body
    return b'RIFF' + struct.pack('<I', 4 + len(data)) + b'WAVE' + data


def ieee_extended(x):
    """80-bit IEEE extended (AIFF sample rates)."""
    if x == 0:
        return b'\0' * 10
    e = int(math.floor(math.log2(x)))
    mant = int(x / 2.0 ** e * (1 << 63))
    return struct.pack('>HQ', e + 16383, mant)


def aiff(frames, rate, n_ch):
    peak = max([abs(v) for f in frames for v in f if finite(v)] + [1e-30])
    body = b''.join(struct.pack('>%dh' % n_ch, *[int(round((v if finite(v) else 0) / peak * 32767))
                                                  for v in f]) for f in frames)
    comm = struct.pack('>hIh', n_ch, len(frames), 16) + ieee_extended(rate)
    ssnd = struct.pack('>II', 0, 0) + body
    data = b'AIFF' + b'COMM' + struct.pack('>I', len(comm)) + comm
    data += b'SSND' + struct.pack('>I', len(ssnd)) + ssnd
    return b'FORM' + struct.pack('>I', len(data)) + data


def au(frames, rate, n_ch):
    """Sun .au, 16-bit linear big-endian."""
    peak = max([abs(v) for f in frames for v in f if finite(v)] + [1e-30])
    body = b''.join(struct.pack('>%dh' % n_ch, *[int(round((v if finite(v) else 0) / peak * 32767))
                                                  for v in f]) for f in frames)
    return b'.snd' + struct.pack('>IIIII', 24, len(body), 3, rate, n_ch) + body


def crc8(data):
    c = 0
    for b in data:
        c ^= b
        for _ in range(8):
            c = ((c << 1) ^ 0x07) & 0xFF if c & 0x80 else (c << 1) & 0xFF
    return c


def flac_frame_starts(data, start):
    """Offsets of the frames of a fixed-blocksize FLAC stream (sync + header CRC-8)."""
    out = []
    i = start
    while i + 6 < len(data):
        if data[i] == 0xFF and data[i + 1] == 0xF8:
            # header: 4 fixed bytes, UTF-8 frame number, optional size/rate, CRC-8
            j = i + 4
            lead = data[j]
            extra = 0 if lead < 0x80 else (1 if lead < 0xE0 else 2 if lead < 0xF0 else
                                           3 if lead < 0xF8 else 4 if lead < 0xFC else
                                           5 if lead < 0xFE else 6)
            j += 1 + extra
            bs = data[i + 2] >> 4
            sr = data[i + 2] & 15
            j += 1 if bs == 6 else 2 if bs == 7 else 0
            j += 1 if sr == 12 else 2 if sr in (13, 14) else 0
            if j < len(data) and crc8(data[i:j]) == data[j]:
                out.append(i)
        i += 1
    return out


def flac_cut(path, n_frames):
    """The first n_frames frames of a FLAC file, as a complete file: STREAMINFO (its total
    sample count set to what is kept, MD5 unknown) and nothing else before the frames."""
    data = open(path, 'rb').read()
    pos = 4
    streaminfo = None
    while True:
        hdr = data[pos]
        size = int.from_bytes(data[pos + 1:pos + 4], 'big')
        if hdr & 0x7F == 0:
            streaminfo = bytearray(data[pos + 4:pos + 4 + size])
        pos += 4 + size
        if hdr & 0x80:
            break
    starts = flac_frame_starts(data, pos)
    if len(starts) <= n_frames:
        raise SystemExit('%s: fewer than %d frames' % (path, n_frames))
    block = int.from_bytes(streaminfo[0:2], 'big')
    v = int.from_bytes(streaminfo[10:18], 'big')
    v = (v & ~((1 << 36) - 1)) | (block * n_frames)
    streaminfo[10:18] = v.to_bytes(8, 'big')
    streaminfo[18:34] = bytes(16)
    head = b'fLaC' + bytes([0x80]) + len(streaminfo).to_bytes(3, 'big') + bytes(streaminfo)
    return head + data[starts[0]:starts[n_frames]]


def edf(signals, n_records, record_s, bdf=False, plus=False):
    """An EDF (or BDF, EDF+/BDF+) file. signals: dicts with label, dim, pmin, pmax, dmin, dmax,
    spr (samples per record), samples (ints, spr x n_records) or annotations (list of str TALs
    per record, for the 'EDF Annotations' signal)."""
    def field(s, n):
        s = str(s).encode('latin-1')[:n]
        return s + b' ' * (n - len(s))

    ns = len(signals)
    if plus:
        patient = field('X X X X', 80)
        recording = field('Startdate 02-DEC-2026 X X X', 80)
        reserved = field('BDF+C' if bdf else 'EDF+C', 44)
    else:
        patient = field('fuzz seed', 80)
        recording = field('libltr tests/fuzz', 80)
        reserved = field('24BIT' if bdf else '', 44)
    head = (b'\xffBIOSEMI' if bdf else field('0', 8)) + patient + recording
    head += field('02.12.26', 8) + field('10.00.00', 8) + field(256 * (ns + 1), 8)
    head += reserved + field(n_records, 8) + field(('%g' % record_s), 8) + field(ns, 4)
    for key, n in (('label', 16), ('transducer', 80), ('dim', 8), ('pmin', 8), ('pmax', 8),
                   ('dmin', 8), ('dmax', 8), ('prefilter', 80), ('spr', 8), ('reserved', 32)):
        for s in signals:
            head += field(s.get(key, ''), n)
    width = 3 if bdf else 2
    body = bytearray()
    for r in range(n_records):
        for s in signals:
            spr = s['spr']
            if 'annotations' in s:
                tal = s['annotations'][r].encode('latin-1')
                body += tal + b'\0' * (spr * width - len(tal))
            else:
                for v in s['samples'][r * spr:(r + 1) * spr]:
                    body += struct.pack('<i', v)[:width]
    return head + bytes(body)


def digital(values, dmin, dmax):
    """Physical values to digital, on the range of the values."""
    lo = min(v for v in values if finite(v))
    hi = max(v for v in values if finite(v))
    if hi <= lo:
        hi = lo + 1.0
    return [int(round(dmin + ((v if finite(v) else lo) - lo) / (hi - lo) * (dmax - dmin)))
            for v in values], lo, hi


# --------------------------------------------------------------------------- core harness

# Operation codes (fuzz_core.c, enum op; the opcode byte is taken modulo 14).
OP = dict(NOISE=0, BURST=1, SINE=2, CONST=3, SPECIAL=4, RAW=5, STEP=6, SPIKE=7,
          BACKGROUND=8, MARK=9, FLUSH=10, RESET=11, S16=12, SILENCE=13)
RATES = [250, 300, 500, 512, 1000, 1024, 2000, 2048, 4000, 4096, 5000, 8000, 10000, 20000,
         44100, 50000]


def level_byte(x):
    """The byte whose level() is closest to x (10^((b - 128) / 16))."""
    if x <= 0:
        return 0
    return max(1, min(255, int(round(128 + 16 * math.log10(x)))))


# mains byte of the config group 0x01 (fuzz_core.c: LTR_MAINS_AUTO, 0, 50, 60, 55)
MAINS = {'auto': 0, 'off': 1, 50: 2, 60: 3, 55: 4}


class Core:
    """The bytes of one core-harness input. groups: {bit: bytes} of the optional config
    groups of fuzz_core.c (0x01 mains, 0x02 thresholds, 0x04 timing, 0x08 floor and warm-up,
    0x10 envelope, 0x20 artifacts, 0x40 bands, 0x80 fusion and ECG). mains: fixed (50 by
    default: a short input reaches its decisions) or 'auto' (the library's default, which
    searches the first 0.5 s)."""

    def __init__(self, rate=2000, n_ch=1, acc_mask=0, groups=None, mains=50, opts=0, split_a=0,
                 split_b=5, seed=1, gain_byte=0x80, bg=0.01):
        if rate not in RATES:
            raise ValueError(rate)
        assert 1 <= n_ch <= 16   # channel byte: 1 + c % 4 below 0xC0, 1 + c % 16 up to 0xEF
        self.b = bytearray([RATES.index(rate), n_ch - 1 if n_ch <= 4 else 0xC0 + n_ch - 1])
        self.b += struct.pack('<I', acc_mask)
        g = dict(groups or {})
        if mains is not None:
            g[0x01] = bytes([MAINS[mains], 8, 128])
        self.b.append(sum(g))
        for bit in sorted(g):
            self.b += bytes(g[bit])
        self.b += bytes([opts, split_a, split_b]) + struct.pack('<I', seed)
        self.b += bytes([gain_byte]) + struct.pack('<I', seed * 7 + 3) + bytes([level_byte(bg)])
        self.rate = rate
        self.n_ch = n_ch

    def frames(self, seconds):
        return max(1, min(4096, int(round(seconds * self.rate))))

    def op(self, name, *args):
        self.b.append(OP[name])
        self.b += bytes(args)
        return self

    def noise(self, s, mask, amp):
        n = self.frames(s)
        return self.op('NOISE', n - 1 & 255, (n - 1) >> 8, mask, level_byte(amp))

    def quiet(self, s):
        """Background only (a noise op of amplitude 0 on no channel), any length."""
        while s > 0:
            step = min(s, 4096 / self.rate)
            self.noise(step, 0, 0)
            s -= step
        return self

    def burst(self, s, mask, amp):
        n = self.frames(s)
        return self.op('BURST', n - 1 & 255, (n - 1) >> 8, mask, level_byte(amp))

    def sine(self, s, mask, amp, hz):
        n = self.frames(s)
        f = int(round(hz / (self.rate * 0.5) * 65536))
        return self.op('SINE', n - 1 & 255, (n - 1) >> 8, mask, level_byte(amp), f & 255, f >> 8)

    def const(self, s, mask, value):
        n = self.frames(s)
        self.op('CONST', n - 1 & 255, (n - 1) >> 8, mask)
        self.b += struct.pack('<f', value)
        return self

    def special(self, n, mask, kind):
        """kind: 0 NaN, 1 +Inf, 2 -Inf, 3-4 denormals, 5-6 +-FLT_MAX, 7 -0."""
        return self.op('SPECIAL', n - 1, mask, kind)

    def raw(self, rows, mask=0xFF):
        """Exact samples: rows of n_ch floats (channels in mask), 16 frames per op."""
        chans = [c for c in range(self.n_ch) if mask >> (c % 8) & 1]
        for i in range(0, len(rows), 16):
            part = rows[i:i + 16]
            self.op('RAW', len(part) - 1, mask)
            for r in part:
                self.b += struct.pack('<%df' % len(chans), *[r[c] for c in chans])
        return self

    def step(self, mask, amp, up=True):
        self.op('STEP', mask, level_byte(amp))
        self.b += bytes([1 if up else 0] * sum(1 for c in range(self.n_ch) if mask >> c & 1))
        return self

    def spike(self, mask, amp):
        return self.op('SPIKE', mask, level_byte(amp))

    def mark(self, needle, ahead, lead=16):
        return self.op('MARK', (lead + 16) << 1 | (1 if needle else 0), ahead)

    def background(self, x):
        return self.op('BACKGROUND', level_byte(x))

    def bytes(self):
        return bytes(self.b)


def core_seeds(data_dir):
    seeds = {}
    # One EMG channel, a twitch-like burst after the warm-up.
    seeds['emg_twitch'] = Core().quiet(0.6).burst(0.06, 1, 1.0).quiet(0.5).bytes()
    # Short warm-up (group 0x08: floor rates kept, warm-up = 300/16 ms) and three bursts.
    c = Core(groups={0x08: [128, 128, 128]}, split_a=1, split_b=3)
    for _ in range(3):
        c.quiet(0.25).burst(0.05, 1, 0.5)
    seeds['emg_three'] = c.quiet(0.3).bytes()
    # EMG + 3-axis accelerometer: the EMG burst, the mechanical response 20 ms later.
    c = Core(n_ch=4, acc_mask=0b1110)
    c.quiet(0.6).burst(0.02, 0b0001, 1.0).burst(0.1, 0b1111, 0.3).quiet(0.4)
    seeds['emg_acc_fused'] = c.bytes()
    # Accelerometer only.
    c = Core(rate=1000, n_ch=3, acc_mask=0b111)
    seeds['acc_only'] = c.quiet(0.6).burst(0.15, 0b111, 0.2).quiet(0.5).bytes()
    # Needle EMG at 10 kHz (RMS envelope), 50 Hz hum.
    c = Core(rate=10000, n_ch=1)
    seeds['needle_10k'] = c.sine(0.4, 1, 0.02, 50).burst(0.04, 1, 0.5).quiet(0.2).bytes()
    # Mains 60 Hz.
    c = Core(rate=1000, mains=60)
    seeds['mains_60'] = c.sine(0.5, 1, 0.1, 60).burst(0.05, 1, 1.0).sine(0.3, 1, 0.1, 60).bytes()
    # Artifacts: NaN, Inf, a stuck channel (dropout), a stimulation spike, an electrode step.
    c = Core(n_ch=2, acc_mask=0b10, split_a=2, split_b=7)
    c.quiet(0.4).special(20, 0b01, 0).quiet(0.1).special(5, 0b11, 1).quiet(0.1)
    c.const(0.05, 0b01, 0.25).quiet(0.1).spike(0b01, 50.0).quiet(0.1)
    c.step(0b01, 5.0).quiet(0.2).burst(0.05, 0b01, 1.0).quiet(0.3)
    seeds['artifacts'] = c.bytes()
    # Denormals, huge values, negative zero.
    c = Core(n_ch=2)
    c.quiet(0.3).special(30, 0b11, 3).special(30, 0b11, 4).special(3, 0b01, 5)
    c.special(3, 0b10, 6).special(10, 0b11, 7).quiet(0.3)
    seeds['special_values'] = c.bytes()
    # Device marks (stimulation, needle), then twitches after them.
    c = Core(n_ch=2, acc_mask=0b10, split_a=6, split_b=1)
    c.quiet(0.5).mark(False, 10).quiet(0.1).mark(True, 0).burst(0.06, 0b11, 1.0).quiet(0.4)
    seeds['marks'] = c.bytes()
    # Marks issued early and late in run C (opts bit 7), small event arrays (opts 3).
    c = Core(n_ch=2, opts=0x83)
    c.quiet(0.5).mark(False, 200, lead=100).mark(True, 5, lead=-10).burst(0.05, 1, 1.0)
    seeds['marks_run_c'] = c.quiet(0.4).bytes()
    # Flush and reset in the middle of a twitch, then more stream.
    c = Core(split_a=3, split_b=6)
    c.quiet(0.5).burst(0.03, 1, 1.0).op('FLUSH').burst(0.03, 1, 1.0).quiet(0.5)
    c.op('RESET').quiet(0.4).burst(0.06, 1, 1.0).quiet(0.3)
    seeds['flush_reset'] = c.bytes()
    # Raw ADC counts (s16), rails included, switching entry points mid-stream.
    c = Core(n_ch=5, acc_mask=0b00010, gain_byte=0x80 - 8 * 10, split_a=4, split_b=2)  # gain 2^-10
    c.quiet(0.3).op('S16').quiet(0.2).burst(0.05, 0b11111, 100.0).op('S16')
    c.burst(0.05, 0b00001, 1.0).op('S16').quiet(0.2)
    seeds['s16_mixed'] = c.bytes()
    # The library's default: mains found in the stream (50 Hz hum), then a twitch.
    c = Core(rate=1000, mains='auto')
    seeds['mains_auto'] = c.sine(1.0, 1, 0.05, 50).burst(0.05, 1, 1.0).sine(0.4, 1, 0.05, 50).bytes()
    # ECG crosstalk cancelled (group 0x80: fusion window and accelerometer minimum kept,
    # ecg_cancel 1): QRS-like spikes every 0.8 s, then a twitch between two beats.
    c = Core(rate=1000, groups={0x80: [128, 128, 1]})
    for _ in range(4):
        c.quiet(0.78).burst(0.02, 1, 3.0)
    seeds['ecg_cancel'] = c.quiet(0.3).burst(0.05, 1, 1.0).quiet(0.4).bytes()
    # Digital silence, then a voluntary contraction (too long: cancelled).
    c = Core(bg=0)
    c.op('SILENCE', 255, 1, 0xFF).background(0.01).quiet(0.4).burst(1.4, 1, 0.5).quiet(0.3)
    seeds['silence_voluntary'] = c.bytes()
    # Every rate of the table once, a burst each.
    for rate in (250, 500, 4096, 20000, 50000):
        c = Core(rate=rate, groups={0x08: [128, 128, 128]})
        seeds['rate_%d' % rate] = c.quiet(0.1).burst(0.05, 1, 1.0).quiet(0.1).bytes()
    # Configurations that must be refused alike everywhere.
    seeds['bad_rate_nan'] = bytes([0xF8]) + struct.pack('<d', float('nan')) + bytes(8)
    seeds['bad_channels_0'] = bytes([6, 0xF0, 0]) + bytes(8)
    seeds['bad_channels_33'] = bytes([6, 0xF0, 33]) + bytes(8)
    seeds['bad_envelope'] = bytes([6, 0, 0, 0, 0, 0, 0x10, 2, 128, 128]) + bytes(8)
    seeds['bad_sensor'] = bytes([6, 0xFF, 2, 0, 0, 0, 0, 0, 7]) + bytes(8)
    seeds['bad_struct_size'] = bytes([6, 0, 0, 0, 0, 0, 0x10, 0xFF, 128, 128]) + bytes(8)
    seeds['bad_confirm'] = bytes([6, 0, 0, 0, 0, 0, 0x04, 255, 128, 128, 128, 128]) + bytes(8)

    # Cuts of data/artifacts.wav (2 kHz, EMG + 3 accelerometer axes, physical units, NaN
    # runs): 0.6 s before to 0.4 s after a twitch, exact samples.
    rate, n_ch, frames = read_float_wav(os.path.join(data_dir, 'artifacts.wav'))
    onsets = twitch_onsets(os.path.join(data_dir, 'artifacts_events.tsv'))
    for k, t in enumerate(onsets[:3]):
        a = int((t - 0.6) * rate)
        rows = frames[max(0, a):a + int(1.0 * rate)]
        c = Core(rate=rate, n_ch=n_ch, acc_mask=0b1110, seed=k + 1)
        seeds['data_artifacts_%d' % k] = c.raw(rows).bytes()
    nans = [i for i, f in enumerate(frames) if not all(finite(v) for v in f)]
    if nans:
        a = max(0, nans[0] - 600)
        c = Core(rate=rate, n_ch=n_ch, acc_mask=0b1110, seed=9)
        seeds['data_artifacts_nan'] = c.raw(frames[a:a + 1000]).bytes()
    return seeds


# --------------------------------------------------------------------------- readers

def control(*b):
    """16 control bytes (fuzz_reader.h): the harness's own first, then the exercise's:
    find index, length of the missing name, generator seed (4), selection mode, block mode."""
    out = bytes(b)
    return out + bytes(16 - len(out))


def exercise(find=0, nosuch=20, seed=1, select=0, blocks=0):
    return bytes([find, nosuch]) + struct.pack('<I', seed) + bytes([select, blocks])


def reader_seeds(data_dir):
    rate, n_ch, frames = read_float_wav(os.path.join(data_dir, 'artifacts.wav'))
    onset = twitch_onsets(os.path.join(data_dir, 'artifacts_events.tsv'))[0]
    a = int((onset - 0.1) * rate)
    cut = frames[a:a + int(0.25 * rate)]   # 0.25 s, 4 channels
    short = cut[:64]
    sndfile, edf_, text, raw = {}, {}, {}, {}

    # -- libsndfile: control byte 0 even = SNDFILE format, rate from the file
    ex = exercise(select=0x05, seed=3)   # select two channels
    sndfile['wav_f32_4ch'] = control(0, *exercise()) + wav(cut, rate, n_ch, 'f32')
    sndfile['wav_s16_4ch_select'] = control(0, *ex) + wav(cut, rate, n_ch, 's16')
    sndfile['wav_s24_1ch'] = control(2, *exercise(blocks=1)) + wav([[f[0]] for f in short], rate, 1, 's24')
    sndfile['aiff_s16_2ch'] = control(0, *exercise(blocks=2)) + aiff([f[:2] for f in cut], rate, 2)
    sndfile['au_s16_4ch'] = control(1, *exercise(blocks=3)) + au(short, rate, n_ch)
    trunc = wav(cut, rate, n_ch, 's16')
    sndfile['wav_truncated'] = control(0, *exercise()) + trunc[:len(trunc) // 2]
    many = [[math.sin(0.01 * i * (c + 1)) for c in range(40)] for i in range(16)]
    sndfile['wav_40ch_unnamed'] = control(0, *exercise(nosuch=120)) + wav(many, rate, 40, 's16')
    for name, frames_kept in (('surface_basic', 1), ('needle_10k', 1), ('acc_only', 1)):
        path = os.path.join(data_dir, name + '.flac')
        sndfile['flac_' + name] = control(0, *exercise(blocks=0)) + flac_cut(path, frames_kept)

    # -- EDF/BDF: control byte 0 even = EDF format
    n_rec, spr = 4, 125   # the 0.25 s cut: 4 records of 62.5 ms, 125 samples (2 kHz)
    sig = []
    for c in range(n_ch):
        vals = [cut[i][c] for i in range(n_rec * spr)]
        d, lo, hi = digital(vals, -32768, 32767)
        sig.append(dict(label=['emg0', 'acc_x', 'acc_y', 'acc_z'][c], dim='mV' if c == 0 else 'g',
                        pmin='%.6g' % lo, pmax='%.6g' % hi, dmin=-32768, dmax=32767,
                        spr=spr, samples=d, transducer='fuzz seed'))
    edf_['edf_4ch'] = control(0, *exercise()) + edf(sig, n_rec, 0.0625)
    edf_['edf_4ch_select_repeat'] = control(0, *exercise(select=0x09, seed=11)) + edf(sig, n_rec, 0.0625)
    # two rates: signal 1 at half the rate of signal 0
    half = dict(sig[1], spr=spr // 5, samples=sig[1]['samples'][::5])
    edf_['edf_mixed_rates'] = control(0, *exercise(select=0x05, seed=2)) + edf([sig[0], half], n_rec, 0.0625)
    bsig = []
    for s in sig[:2]:
        vals = [cut[i][len(bsig)] for i in range(n_rec * spr)]
        d, lo, hi = digital(vals, -8388608, 8388607)
        bsig.append(dict(s, dmin=-8388608, dmax=8388607, samples=d, pmin='%.6g' % lo, pmax='%.6g' % hi))
    edf_['bdf_2ch'] = control(0, *exercise(blocks=2)) + edf(bsig, n_rec, 0.0625, bdf=True)
    ann = dict(label='EDF Annotations', dim='', pmin=-1, pmax=1, dmin=-32768, dmax=32767, spr=30,
               annotations=['+%g\x14\x14\x00' % (r * 0.0625) for r in range(n_rec)])
    edf_['edfplus_annotations'] = control(0, *exercise()) + edf(sig[:1] + [ann], n_rec, 0.0625, plus=True)
    bann = dict(ann, label='BDF Annotations', spr=20, dmin=-8388608, dmax=8388607)
    edf_['bdfplus_annotations'] = control(0, *exercise()) + edf(bsig[:1] + [bann], n_rec, 0.0625, bdf=True, plus=True)
    edf_['edf_truncated'] = control(0, *exercise()) + edf(sig, n_rec, 0.0625)[:1400]
    long_labels = [dict(s, label=('%s_long_label_x' % s['label'])[:16]) for s in sig]
    edf_['edf_long_labels'] = control(0, *exercise(nosuch=150)) + edf(long_labels, n_rec, 0.0625)

    # -- text: control bytes = how (0 path, 1 sniffed, 2 descriptor, 3 pipe), options
    # (delimiter/header/allow_nonfinite), (time column/rate)
    def rows_text(rows, delim, time=True, fmt='%.6g'):
        out = []
        for i, r in enumerate(rows):
            vals = ([('%.5f' % (i / rate))] if time else []) + [fmt % v for v in r]
            out.append(delim.join(vals))
        return '\n'.join(out) + '\n'
    header = ['time', 'emg0', 'acc_x', 'acc_y', 'acc_z']
    csv = ','.join(header) + '\n' + rows_text(cut, ',')
    text['csv_time'] = control(0, 0, 0, *exercise()) + csv.encode()
    text['csv_time_pipe'] = control(3, 0, 0, *exercise(blocks=1)) + csv.encode()
    tsv = '# fs=2000 Hz\n' + '\t'.join(header[1:]) + '\n' + rows_text(cut, '\t', time=False)
    text['tsv_fs_comment'] = control(2, 0, 0, *exercise(select=0x05)) + tsv.encode()
    semi = '\ufeff"time";"emg 0";"acc ""x"""\n' + rows_text([r[:2] for r in short], ';')
    text['csv_semicolon_bom_quotes'] = control(1, 0, 0, *exercise()) + semi.encode()
    ws = '% a comment\n' + rows_text([r[:2] for r in short], '   ', time=False)
    text['whitespace_rate_option'] = control(0, 4 + 6, 3 * 8, *exercise()) + ws.encode()
    opensignals = ('# OpenSignals Text File Format\n# Sampling Rate (Hz):= 1000.00\n'
                   '# Labels:= nSeq EMG ACC\n# Units:= mV\n') + rows_text(
                       [[i, r[0], r[1]] for i, r in enumerate(short)], '\t', time=False)
    text['opensignals'] = control(0, 0, 0, *exercise()) + opensignals.encode()
    nan = 'time,emg0\n0,1\n0.0005,nan\n0.001,\n0.0015,inf\n0.002,2\n'
    # 144: automatic delimiter and header, allow_nonfinite
    text['nonfinite_allowed'] = control(0, 144, 0, *exercise()) + nan.encode()
    text['nonfinite_refused'] = control(0, 0, 0, *exercise()) + nan.encode()
    gap = 'time,emg0\n0,1\n0.0005,2\n0.001,3\n0.003,4\n0.0025,5\n'
    text['irregular_time'] = control(0, 0, 0, *exercise()) + gap.encode()
    # Issue 8, defect 1: a header of many long column names, looked up by a name that
    # is none of them (the harness always asks for "nosuch..."): the list of channels in
    # the message once wrote one byte past its buffer.
    L50, L43 = 'a' * 50, 'b' * 43
    names = [L50] * 5 + [L43] + [L50] * 10
    body = ''.join('0.%04d,' % (i * 5) + ','.join(['0.5'] * len(names)) + '\n' for i in range(4))
    text['defect1_long_names'] = control(0, 0, 0, *exercise(nosuch=6)) + (
        'time,' + ','.join(names) + '\n' + body).encode()
    names = ['emg_channel_with_a_rather_long_descriptive_name_%02d' % c for c in range(40)]
    body = ''.join('0.%04d,' % (i * 5) + ','.join(['0.5'] * len(names)) + '\n' for i in range(4))
    text['defect1_many_names'] = control(0, 0, 0, *exercise(nosuch=6)) + (
        'time,' + ','.join(names) + '\n' + body).encode()
    empties = 'hc;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;\n' + ''.join(
        ';'.join(['1'] * 46) + '\n' for _ in range(3))
    text['defect1_unnamed_columns'] = control(0, 3, 3 * 8, *exercise(nosuch=6)) + empties.encode()

    # -- raw: control bytes = how (0 path, 1 descriptor, 2 pipe), format/rate/gain, channels (u16)
    f32 = b''.join(struct.pack('<4f', *r) for r in cut)
    raw['f32_4ch'] = control(0, 0, 3, 0, *exercise()) + f32
    raw['f32_4ch_pipe_select'] = control(2, 0, 3, 0, *exercise(select=0x09, seed=5)) + f32
    s16 = b''.join(struct.pack('<h', max(-32768, min(32767, int(v * 3000)))) for r in cut for v in r[:2])
    raw['s16_2ch_gain'] = control(1, 1 | 2 << 4, 1, 0, *exercise(blocks=2)) + s16
    raw['s16_cut_frame'] = control(0, 1, 1, 0, *exercise()) + s16[:-1]
    raw['f32_40ch_unselected'] = control(1, 0, 0xC8, 0xF0, *exercise())  # 0xF0C8 % 1100 = 40 + f32[:40 * 4 * 4]
    special = struct.pack('<6f', float('nan'), float('inf'), -float('inf'), 1e-45, -0.0, 3.4e38)
    raw['f32_special'] = control(0, 0, 0, 0, *exercise(blocks=1)) + special
    return sndfile, edf_, text, raw


# --------------------------------------------------------------------------- WFDB, .mat

def wfdb_seeds(cut, rate):
    """Records of the cut (4 channels, exact physical values as 16-bit codes) in the
    reader_wfdb layout: control (byte 0, header length u16, r.dat length u16), the
    header, r.dat, s.dat (header(5), signal(5))."""
    out = {}

    def pack(header, r_dat, s_dat=b'', b0=0, **ex):
        h = header.encode()
        return control(b0, len(h) & 255, len(h) >> 8, len(r_dat) & 255, len(r_dat) >> 8,
                       *exercise(**ex)) + h + r_dat + s_dat

    gain = 1000.0  # adu per mV
    codes = [[max(-32767, min(32767, int(round(v * gain)))) for v in f] for f in cut[:200]]
    n = len(codes)
    dat16 = b''.join(struct.pack('<4h', *c) for c in codes)
    hea = ('r 4 %d %d\n' % (rate, n) + ''.join(
        'r.dat 16 %g(0)/mV 16 0 %d 0 0 %s\n' % (gain, codes[0][c], name)
        for c, name in enumerate(['EMG', 'ACC X', 'ACC Y', 'ACC Z'])))
    out['format16_4ch'] = pack(hea, dat16)
    out['format16_4ch_select'] = pack(hea, dat16, b0=1, select=0x09, seed=7)
    # 212: three signals, 12-bit pairs straddling frames; invalid code -2048 in one sample.
    c12 = [[max(-2047, min(2047, x // 16)) for x in c[:3]] for c in codes[:64]]
    c12[10][1] = -2048
    flat = [x for c in c12 for x in c]
    b212 = bytearray()
    for i in range(0, len(flat) - 1, 2):
        a, b = flat[i] & 0xFFF, flat[i + 1] & 0xFFF
        b212 += bytes([a & 0xFF, ((a >> 8) & 0x0F) | ((b >> 8) & 0x0F) << 4, b & 0xFF])
    hea212 = 'r 3 %d %d\n' % (rate, len(c12)) + ''.join(
        'r.dat 212 %g(0) 12 0 %d 0 0 s%d\n' % (gain / 16, c12[0][k], k) for k in range(3))
    out['format212_3ch'] = pack(hea212, bytes(b212), blocks=1)
    # 16 and 80 in two files; the length from the file size (no NSAMP), comments.
    b80 = bytes((max(-127, min(127, c[1] // 256)) + 128) & 0xFF for c in codes)
    d16 = b''.join(struct.pack('<h', c[0]) for c in codes)
    hea2 = ('# two files\nr 2 %d\nr.dat 16 %g/uV 16 0 %d 0 0 EMG\n'
            's.dat 80 %g(1) 8 0 %d 0 0 ACC\n' % (rate, gain / 1000, codes[0][0], gain / 256,
                                                  b80[0] - 128))
    out['format16_80_two_files'] = pack(hea2, d16, b80, blocks=2)
    out['format16_truncated'] = pack(hea, dat16[:333])
    out['format16_offset'] = pack(hea.replace('r.dat 16 ', 'r.dat 16+4 '), b'\0' * 4 + dat16)
    return out


def mat_element(mtype, payload):
    """A MAT v5 data element: tag (type, bytes) and the payload padded to 8 bytes."""
    pad = (8 - len(payload) % 8) % 8
    return struct.pack('<II', mtype, len(payload)) + payload + bytes(pad)


def mat_matrix(name, cls, dims, real=None, cells=None, chars=None):
    """miMATRIX (14): flags (miUINT32), dimensions (miINT32), name (miINT8), then the data:
    doubles (miDOUBLE), chars (miUTF16 as miUINT16), or cells (nested matrices)."""
    body = mat_element(6, struct.pack('<II', cls, 0))
    body += mat_element(5, struct.pack('<%di' % len(dims), *dims))
    body += mat_element(1, name.encode())
    if real is not None:
        body += mat_element(9, struct.pack('<%dd' % len(real), *real))
    if chars is not None:
        body += mat_element(4, struct.pack('<%dH' % len(chars), *[ord(c) for c in chars]))
    for c in cells or []:
        body += c
    return mat_element(14, body)


def mat_v5(elements, compress=False):
    head = b'MATLAB 5.0 MAT-file, made by tests/fuzz/make_corpus.py'.ljust(116, b' ')
    out = head + bytes(8) + struct.pack('<H', 0x0100) + b'IM'
    for e in elements:
        out += struct.pack('<II', 15, len(zlib.compress(e))) + zlib.compress(e) if compress else e
    return out


def mat_seeds(cut, rate, mat_from_io=None):
    """.mat files of the cut: v5 written here (double 'data' samples x channels or
    transposed, scalar 'fs', cell 'labels'; compressed too); v7.3 (HDF5) through
    tests/cli/mat_from_io.c of a build when --mat-from-io names it."""
    out = {}
    rows = cut[:100]
    n, nc = len(rows), len(rows[0])
    col_major = [rows[i][c] for c in range(nc) for i in range(n)]
    labels = [mat_matrix('', 4, [1, len(t)], chars=t) for t in ('EMG', 'ACC X', 'ACC Y', 'ACC Z')]
    elems = [mat_matrix('data', 6, [n, nc], real=col_major),
             mat_matrix('fs', 6, [1, 1], real=[float(rate)]),
             mat_matrix('labels', 1, [1, nc], cells=labels)]
    out['v5_4ch'] = control(0, *exercise()) + mat_v5(elems)
    out['v5_4ch_compressed'] = control(0, *exercise(select=0x05, seed=4)) + mat_v5(elems, True)
    transposed = [rows[i][c] for i in range(n) for c in range(nc)]  # nc x n, column-major
    out['v5_transposed_no_rate'] = control(2, *exercise(blocks=1)) + mat_v5(
        [mat_matrix('emg', 6, [nc, n], real=transposed)])
    out['v5_struct_only'] = control(0, *exercise()) + mat_v5(
        [mat_matrix('s', 2, [1, 1])])  # a struct: refused with the reason
    if mat_from_io:
        with tempfile.TemporaryDirectory() as d:
            wav_path = os.path.join(d, 'cut.wav')
            with open(wav_path, 'wb') as f:
                f.write(wav(rows[:50], rate, nc, 'f32'))
            for tag, args in (('v73_4ch', ['73']), ('v73_transposed', ['73', 't'])):
                mat_path = os.path.join(d, tag + '.mat')
                subprocess.run([mat_from_io, wav_path, mat_path] + args, check=True)
                out[tag] = control(0, *exercise()) + open(mat_path, 'rb').read()
    return out


# --------------------------------------------------------------------------- main

def write(out_dir, harness, seeds):
    d = os.path.join(out_dir, harness)
    os.makedirs(d, exist_ok=True)
    for name in os.listdir(d):
        if name.startswith('seed-'):
            os.remove(os.path.join(d, name))
    total = 0
    for name, data in sorted(seeds.items()):
        with open(os.path.join(d, 'seed-' + name), 'wb') as f:
            f.write(data)
        total += len(data)
    print('%-16s %3d seeds, %7d bytes' % (harness, len(seeds), total))


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('--data', default=os.path.join(ROOT, 'data'))
    ap.add_argument('--out', default=os.path.join(HERE, 'corpus'))
    ap.add_argument('--mat-from-io', help='tests/cli/mat-from-io of a build with matio: '
                    'also v7.3 (HDF5) seeds for reader_mat')
    args = ap.parse_args()
    write(args.out, 'core', core_seeds(args.data))
    sndfile, edf_, text, raw = reader_seeds(args.data)
    write(args.out, 'reader_sndfile', sndfile)
    write(args.out, 'reader_edf', edf_)
    write(args.out, 'reader_text', text)
    write(args.out, 'reader_raw', raw)
    rate, _, frames = read_float_wav(os.path.join(args.data, 'artifacts.wav'))
    onset = twitch_onsets(os.path.join(args.data, 'artifacts_events.tsv'))[0]
    a = int((onset - 0.1) * rate)
    cut = frames[a:a + int(0.25 * rate)]
    write(args.out, 'reader_wfdb', wfdb_seeds(cut, rate))
    write(args.out, 'reader_mat', mat_seeds(cut, rate, args.mat_from_io))
    return 0


if __name__ == '__main__':
    sys.exit(main())
