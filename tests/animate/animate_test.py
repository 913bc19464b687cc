#!/usr/bin/python3
"""--animate's GIF, opened by a real decoder (Pillow, Debian's python3-pil): one frame per new
token and a last one with the whole text, every frame the same size and fully decoded, looping,
half a second a frame and three seconds on the last, a palette of at most 256 colors; the matrix
grows a row a frame; the same seed gives the same bytes; a long generation is bounded.

    animate_test.py ATTNVIZ_BINARY
"""
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image

attnviz = sys.argv[1]
failures = 0


def check(ok, what):
    global failures
    if not ok:
        failures += 1
        print(f"FAIL: {what}")


def run(*args):
    return subprocess.run([attnviz, *args], check=True, capture_output=True, text=True)


with tempfile.TemporaryDirectory() as work:
    gif = Path(work) / "slide.gif"
    out = Path(work) / "run.json"
    # The README's command, with the JSON of the same run beside it.
    run("--model", "az", "--text", "Mən çayı sevirəm, çünki", "--generate", "40", "--layer", "1",
        "--head", "2", "--animate", str(gif), "--json", str(out))
    steps = json.loads(out.read_text())["generation"]["steps"]
    check(len(steps) == 40, f"{len(steps)} steps")
    with Image.open(gif) as im:
        check(im.format == "GIF" and im.info.get("version") == b"GIF89a", "a GIF89a")
        check(im.info.get("loop") == 0, f"loops forever ({im.info.get('loop')})")
        check(im.n_frames == 41, f"41 frames, not {im.n_frames}")
        size = im.size
        durations, inked = [], []
        for k in range(im.n_frames):
            im.seek(k)
            frame = im.convert("RGB")
            check(frame.size == size, f"frame {k} is {frame.size}, not {size}")
            durations.append(im.info.get("duration"))
            # How much of the frame is not background: the matrix grows, so this only rises.
            inked.append(sum(1 for p in frame.getdata() if p != (255, 255, 255)))
        check(durations[:-1] == [500] * 40 and durations[-1] == 3000, f"frame times {durations}")
        grew = sum(1 for a, b in zip(inked, inked[1:]) if b > a)
        check(grew >= 35, f"only {grew} of 40 frames add to the one before")
        im.seek(0)
        palette = im.getpalette()
        check(palette is not None and len(palette) <= 768, "one palette of at most 256 colors")
    # The same run, the same bytes.
    again = Path(work) / "again.gif"
    run("--model", "az", "--text", "Mən çayı sevirəm, çünki", "--generate", "40", "--layer", "1",
        "--head", "2", "--animate", str(again))
    check(again.read_bytes() == gif.read_bytes(), "the same seed gives the same GIF")
    # 400 new tokens: at most 300 frames, plus the whole text.
    long = Path(work) / "long.gif"
    run("--model", "az", "--text", "Salam", "--generate", "400", "--layer", "0", "--head", "1",
        "--animate", str(long))
    with Image.open(long) as im:
        check(im.n_frames <= 301, f"{im.n_frames} frames for 400 tokens")
    check(long.stat().st_size < 40 << 20, f"{long.stat().st_size} bytes for 400 tokens")

if failures:
    print(f"{failures} check(s) failed")
    sys.exit(1)
print("the GIF plays: 41 frames checked")
