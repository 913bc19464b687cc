#!/usr/bin/python3
"""--animate's GIF and APNG, opened by a real decoder (Pillow, Debian's python3-pil): one frame
per new token and a last one with the whole text, every frame the same size and fully decoded,
looping, half a second a frame and three seconds on the last, a palette of at most 256 colors; the
matrix grows a row a frame; the same seed gives the same bytes; a long generation is bounded. The
APNG's frames are the GIF's with every color exact: wherever a pixel's color is in the GIF's
palette, the two frames agree.

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
    # The APNG of the same run.
    apng = Path(work) / "slide.png"
    run("--model", "az", "--text", "Mən çayı sevirəm, çünki", "--generate", "40", "--layer", "1",
        "--head", "2", "--animate", str(apng))
    with Image.open(apng) as im, Image.open(gif) as g:
        check(im.format == "PNG" and getattr(im, "is_animated", False), "an animated PNG")
        check(im.info.get("loop") == 0, f"the APNG loops forever ({im.info.get('loop')})")
        check(im.n_frames == 41, f"41 APNG frames, not {im.n_frames}")
        palette = g.getpalette()
        in_palette = {tuple(palette[i:i + 3]) for i in range(0, len(palette), 3)}
        durations, disagree = [], 0
        for k in range(im.n_frames):
            im.seek(k)
            g.seek(k)
            a, b = im.convert("RGB"), g.convert("RGB")
            check(a.size == b.size, f"APNG frame {k} is {a.size}, the GIF's {b.size}")
            durations.append(im.info.get("duration"))
            disagree += sum(1 for p, q in zip(a.getdata(), b.getdata()) if p in in_palette and p != q)
        check(durations[:-1] == [500] * 40 and durations[-1] == 3000, f"APNG times {durations}")
        check(disagree == 0, f"{disagree} pixels of the APNG differ from the GIF's")
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
print("the GIF and the APNG play: 41 frames each checked")
