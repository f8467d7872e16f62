"""A camera for Chromium in the browser tests: a short film of a QR code on white paper."""

from __future__ import annotations

import subprocess
from pathlib import Path

from PIL import Image

from tests.wallet.scan.bill_photos import qr_image


def camera_film(text: str, folder: Path, scale: int = 4) -> Path:
    """Three seconds of a camera held over ``text``'s QR code, in the y4m form Chromium plays."""
    png, y4m = folder / "qr.png", folder / "qr.y4m"
    frame = Image.new("RGB", (640, 480), "white")
    code = qr_image(text, scale=scale, border=4)
    frame.paste(code, ((640 - code.width) // 2, (480 - code.height) // 2))
    frame.save(png)
    command = ["ffmpeg", "-loglevel", "error", "-y", "-loop", "1", "-i", str(png)]
    subprocess.run([*command, "-t", "3", "-r", "10", "-pix_fmt", "yuv420p", str(y4m)], check=True)
    return y4m


def with_camera(launch_args: dict, video: Path | None, consent: bool) -> dict:
    """Launch arguments of the suite's Chromium plus a fake camera filming ``video``."""
    args = [*launch_args.get("args", [])]
    if video is not None:
        args += ["--use-fake-device-for-media-stream", f"--use-file-for-fake-video-capture={video}"]
    if consent:
        args += ["--use-fake-ui-for-media-stream"]
    return {**launch_args, "args": args}
