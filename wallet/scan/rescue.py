"""Harder readings of a bill photo, for when the plain ones found no code: dark, glared, tilted, curled.

These run only after the cheap readings in :mod:`wallet.scan.photo` have failed, so a
fair photo never pays for them. Cheapest first:

1. an adaptive threshold of the working image, after smoothing sensor noise: a dim room
   or a glare blob leaves the code with little contrast, or contrast that changes across
   it, which a local threshold evens out;
2. every code the decoder *located* but could not read (a checksum error; its corners
   are known) is cut out and rectified to an upright square, then read as it is and
   bent: a curled sheet squeezes the code more on one side than the other, which no
   perspective transform undoes, so the square is re-stretched along each axis by a few
   quadratic profiles until one lines the modules up again. OpenCV's own QR detector,
   which finds finder patterns another way, adds codes the decoder could not even locate
   (a strong curl often hides them from it);
3. the sheet of paper itself — the largest bright quadrilateral in the frame — is
   rectified: under a steep tilt the code is so foreshortened that the decoder does not
   even find it, while the paper's edges are plain to see. Codes located inside the
   rectified sheet go through step 2 in their turn.

A reading that comes out of any of these still has to pass the QR code's own error
correction and the payload rules, so none of it can invent a bill.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator

import cv2
import numpy as np

MARGIN = 0.12  # quiet zone kept round a rectified code, as a share of its side
MODULE_PX = 10  # pixels per module in a rectified code
BENDS = (-0.55, -0.4, -0.25, -0.12, 0.12, 0.25, 0.4, 0.55)  # quadratic re-stretch strengths tried on a curled code
PAPER_SIDE = 800  # long side at which the paper's outline is looked for
MAX_LOCATED = 4  # distinct located codes rescued per photo


class Located:
    """Codes the decoder found but could not read, kept as (image to cut from, corners there, version).

    Only images registered with :meth:`watch` count: a code located again inside a
    rectified or bent square is the same code, and rescuing it twice would only cost time.
    """

    def __init__(self) -> None:
        self.codes: list[tuple[np.ndarray, np.ndarray, int]] = []
        self._watched: dict[int, tuple[np.ndarray, np.ndarray, float]] = {}

    def watch(self, image: np.ndarray, base: np.ndarray, scale: float = 1.0) -> None:
        """Codes located in ``image`` are cut from ``base``, which is ``scale`` times larger."""
        self._watched[id(image)] = (image, base, scale)

    def add(
        self, image: np.ndarray, quad: np.ndarray, version: int, *, base: np.ndarray | None = None, scale: float = 1.0
    ) -> None:
        """Remember a located code unless it is in an unwatched image or already known.

        ``base`` and ``scale`` name where to cut it from directly, for a locator of our own.
        """
        if base is None:
            watched = self._watched.get(id(image))
            if watched is None or watched[0] is not image:
                return
            _, base, scale = watched
        if len(self.codes) >= MAX_LOCATED:
            return
        quad = quad * scale
        centre, side = quad.mean(axis=0), float(np.linalg.norm(quad[1] - quad[0]))
        for seen_base, seen, _ in self.codes:
            if seen_base is base and np.linalg.norm(seen.mean(axis=0) - centre) < max(side, 8) / 4:
                return
        self.codes.append((base, quad, version))


def harder_readings(working: np.ndarray, full: np.ndarray, located: Located) -> Iterator[np.ndarray]:
    """Images to read after the plain ones failed, cheapest first; ``located`` grows as they are read."""
    smooth = cv2.GaussianBlur(working, (0, 0), 1.0)
    evened = cv2.adaptiveThreshold(smooth, 255, cv2.ADAPTIVE_THRESH_GAUSSIAN_C, cv2.THRESH_BINARY, 31, 1)
    located.watch(evened, full, full.shape[1] / working.shape[1])
    yield evened
    done = yield from _rescue_located(located, 0)
    found, corners = cv2.QRCodeDetectorAruco().detectMulti(working)
    if found:
        scale = full.shape[1] / working.shape[1]
        for quad in np.asarray(corners, dtype=np.float32).reshape(-1, 4, 2):
            located.add(working, quad, 0, base=full, scale=scale)
        done = yield from _rescue_located(located, done)
    for quad in paper_quads(full):
        sheet = _unwarp(full, quad)
        located.watch(sheet, sheet)
        yield sheet
        done = yield from _rescue_located(located, done)


def _rescue_located(located: Located, done: int) -> Generator[np.ndarray, None, int]:
    """Each newly located code, rectified, then bent; returns how many codes are now done."""
    while done < len(located.codes):
        base, quad, version = located.codes[done]
        done += 1
        square = rectify(base, quad, version)
        yield square
        smooth = cv2.GaussianBlur(square, (0, 0), MODULE_PX / 4)
        yield cv2.threshold(smooth, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)[1]
        for axis in (0, 1):
            for strength in BENDS:
                yield bend(square, axis, strength)
    return done


def rectify(image: np.ndarray, quad: np.ndarray, version: int) -> np.ndarray:
    """The code inside ``quad`` as an upright square with its quiet zone, ``MODULE_PX`` per module."""
    side = (17 + 4 * version if version else 60) * MODULE_PX
    margin = side * MARGIN
    square = np.array(
        [(margin, margin), (margin + side, margin), (margin + side, margin + side), (margin, margin + side)],
        dtype=np.float32,
    )
    size = int(side + 2 * margin)
    transform = cv2.getPerspectiveTransform(quad.astype(np.float32), square)
    return cv2.warpPerspective(image, transform, (size, size), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE)


def bend(square: np.ndarray, axis: int, strength: float) -> np.ndarray:
    """``square`` re-stretched along one axis: the code's corners stay, its middle moves by ``strength``.

    A sheet curled round a cylinder shows a code's modules narrowing steadily towards the
    edge that turns away; sampling at ``u + strength·u(1−u)`` (u across the code, 0 to 1)
    widens one side and narrows the other, which is that narrowing to first order.
    """
    size = square.shape[0]
    margin = size * MARGIN / (1 + 2 * MARGIN)
    span = size - 2 * margin
    grid = np.arange(size, dtype=np.float32)
    across = np.clip((grid - margin) / span, 0, 1)
    shifted = grid + strength * across * (1 - across) * span
    if axis == 0:
        map_x, map_y = np.tile(shifted, (size, 1)), np.tile(grid[:, None], (1, size))
    else:
        map_x, map_y = np.tile(grid, (size, 1)), np.tile(shifted[:, None], (1, size))
    return cv2.remap(square, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def paper_quads(gray: np.ndarray, limit: int = 2) -> list[np.ndarray]:
    """Corners of the largest bright quadrilaterals (sheets of paper), clockwise from top left, full scale."""
    factor = max(1, max(gray.shape) // PAPER_SIDE)
    small = cv2.resize(gray, (gray.shape[1] // factor, gray.shape[0] // factor), interpolation=cv2.INTER_AREA)
    small = cv2.GaussianBlur(small, (5, 5), 0)
    _, mask = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    quads = []
    for contour in sorted(contours, key=cv2.contourArea, reverse=True)[:limit]:
        if cv2.contourArea(contour) < 0.03 * small.size:
            break
        hull = cv2.convexHull(contour)
        corners = cv2.approxPolyDP(hull, 0.02 * cv2.arcLength(hull, True), True).reshape(-1, 2)
        if len(corners) == 4:
            quads.append(_clockwise(corners.astype(np.float32) * factor))
    return quads


def _clockwise(quad: np.ndarray) -> np.ndarray:
    """The four corners in clockwise order (y down), starting at the one nearest the top left."""
    centre = quad.mean(axis=0)
    ordered = quad[np.argsort(np.arctan2(quad[:, 1] - centre[1], quad[:, 0] - centre[0]))]
    return np.roll(ordered, -int(np.argmin(ordered.sum(axis=1))), axis=0)


def _unwarp(gray: np.ndarray, quad: np.ndarray) -> np.ndarray:
    """The sheet inside ``quad`` as a rectangle as wide and tall as its longest edges."""
    width = int(max(np.linalg.norm(quad[1] - quad[0]), np.linalg.norm(quad[2] - quad[3])))
    height = int(max(np.linalg.norm(quad[3] - quad[0]), np.linalg.norm(quad[2] - quad[1])))
    target = np.array([(0, 0), (width, 0), (width, height), (0, height)], dtype=np.float32)
    return cv2.warpPerspective(gray, cv2.getPerspectiveTransform(quad, target), (width, height), flags=cv2.INTER_CUBIC)
