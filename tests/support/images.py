"""Pictures made in memory for the media tests: JPEGs with EXIF GPS, orientation and more."""

from __future__ import annotations

import io

from PIL import Image, ImageCms
from PIL.TiffImagePlugin import IFDRational

RED = (220, 30, 30)
BLUE = (30, 30, 220)
GPS_IFD = 0x8825
ORIENTATION = 0x0112

# 40°34'N, 120°27'E
GPS_NORTH_EAST = ("N", (40, 34, 0), "E", (120, 27, 0))


def _rationals(dms) -> tuple[IFDRational, ...]:
    return tuple(IFDRational(value) for value in dms)


def jpeg(
    size: tuple[int, int] = (40, 20),
    *,
    gps: tuple[str, tuple, str, tuple] | None = None,
    orientation: int | None = None,
    comment: bytes | None = None,
    xmp: bytes | None = None,
    icc: bool = False,
    shade: int = 0,
) -> bytes:
    """A picture red on the left half and blue on the right, with the metadata asked for.

    `shade` nudges the colours so tests can make pictures with different content.
    """
    image = Image.new("RGB", size, tuple(c + shade for c in BLUE))
    image.paste(tuple(c + shade for c in RED), (0, 0, size[0] // 2, size[1]))
    exif = Image.Exif()
    if orientation is not None:
        exif[ORIENTATION] = orientation
    if gps is not None:
        lat_ref, lat, lon_ref, lon = gps
        block = exif.get_ifd(GPS_IFD)
        block[0] = b"\x02\x02\x00\x00"  # GPSVersionID
        block[1] = lat_ref
        block[2] = _rationals(lat)
        block[3] = lon_ref
        block[4] = _rationals(lon)
    extra: dict = {}
    if comment is not None:
        extra["comment"] = comment
    if xmp is not None:
        extra["xmp"] = xmp
    if icc:
        extra["icc_profile"] = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    out = io.BytesIO()
    image.save(out, "JPEG", quality=95, exif=exif, **extra)
    return out.getvalue()


def png_with_alpha(size: tuple[int, int] = (16, 16)) -> bytes:
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    image.paste((*RED, 255), (0, 0, size[0] // 2, size[1]))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()
