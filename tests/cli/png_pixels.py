#!/usr/bin/env python3
# Pixels of an 8-bit RGB or RGBA PNG, with the standard library only (zlib), for the
# plot tests: `png_pixels.py FILE size` prints "W H"; `png_pixels.py FILE X Y` prints
# "R G B" of one pixel; `png_pixels.py FILE column X Y0 Y1` prints one "R G B" line per
# pixel of column X from row Y0 to Y1 (exclusive); `png_pixels.py A B diff X0 X1 Y0`
# prints the columns (outside X0..X1) where A and B differ below row Y0, and "inside"
# if some column inside X0..X1 differs.
# SPDX-License-Identifier: BSD-3-Clause
import struct
import sys
import zlib


def read(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise SystemExit(path + ": not a PNG")
    pos, idat, w = 8, b"", None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
            if depth != 8 or ctype not in (2, 6):
                raise SystemExit(path + ": not 8-bit RGB(A)")
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    return Image(w, h, bpp, zlib.decompress(idat))


class Image:
    """Rows unfiltered on demand: a row filtered with None or Sub (what ltr plot writes)
    needs no other row, so a pixel costs one row, not the picture."""

    def __init__(self, w, h, bpp, raw):
        self.w, self.h, self.bpp, self.raw = w, h, bpp, raw
        self.stride = w * bpp
        self.cache = {}

    def row(self, y):
        if y in self.cache:
            return self.cache[y]
        bpp, stride, raw = self.bpp, self.stride, self.raw
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        prev = self.row(y - 1) if f >= 2 and y > 0 else bytearray(stride)
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        self.cache[y] = line
        return line


def pixel(img, x, y):
    return tuple(img.row(y)[x * img.bpp:x * img.bpp + 3])


args = sys.argv[1:]
if len(args) >= 2 and args[1] == "size":
    img = read(args[0])
    print(img.w, img.h)
elif len(args) == 3:
    print(*pixel(read(args[0]), int(args[1]), int(args[2])))
elif len(args) == 5 and args[1] == "column":
    img = read(args[0])
    for y in range(int(args[3]), int(args[4])):
        print(*pixel(img, int(args[2]), y))
elif len(args) == 6 and args[2] == "diff":
    a, b = read(args[0]), read(args[1])
    x0, x1, y0 = int(args[3]), int(args[4]), int(args[5])
    inside = False
    for x in range(a.w):
        differs = any(pixel(a, x, y) != pixel(b, x, y) for y in range(y0, a.h))
        if differs and x0 <= x <= x1:
            inside = True
        elif differs:
            print(x)
    if inside:
        print("inside")
else:
    raise SystemExit("usage: see the comment at the top")
