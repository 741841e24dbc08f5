"""Case generators for the generalisation benchmark (``bench/bench_check.py``): varied cases with ground truth,
drawn from a seed, for segmentation, dehazing, watermark removal (one photo with a hint, or several photos that
share a mark), two-image separation, video segmentation and inpainting of the holes users paint (an object, a
caption, a date stamp, scratches).

``draw_<task>(seed, n)`` returns ``n`` :class:`Case` s. Case ``i`` depends only on ``(seed, task, i)``, so
``draw_x(s, 2)`` is the first two cases of ``draw_x(s, 8)``. The kinds of each task are cycled (case ``i`` has
kind ``KINDS[task][i % len]``) and every other parameter (photos, crops, shapes, depths, airlight, opacity, fonts,
positions, hints) is drawn at random, so every draw of ``len(KINDS[task])`` cases or more covers every kind and a
new seed gives new pictures of the same kinds.

Images are float32 ``(H, W, 3)`` in [0, 1]; masks and hints bool ``(H, W)``; clips float32 ``(T, H, W, 3)`` with
bool masks ``(T, H, W)``; transmission float32 ``(H, W)``; airlight float32 ``(3,)``.

Forward models (the truths reproduce the inputs exactly, up to float rounding):

- dehaze: I = J·t + A·(1 − t), t = exp(−β·d) (Koschmieder's scattering model, as in He et al. 2009 and Double-DIP
  section 4.3), d a depth map in [0, 1]; β = 0 for haze-free photos (then I = J).
- watermark: I = (1 − α·M)·J + α·M·C, M the mark's coverage in [0, 1], α its opacity, C its colour;
  watermark_several: the same mark at the same place on 2–4 different photos J_k, no hint.
- segment / video: I = m·F + (1 − m)·B with a hard mask m (the pasted object F over the background B).
- separate: I_k = g_k·(α_k·y1 + (1 − α_k)·y2) (Double-DIP section 4.2), y2 shifted by a few pixels in the second
  mixture for the ``shifted`` kind; gain g_1 = 1, g_2 ≠ 1 only for the ``gain`` kind.
- inpaint: I = (1 − M)·J + M·O, M the hole the user paints, O what it hides (another photo's pixels: what is to be
  removed, which a method must not read); the truth is J.

Photos: only those scikit-image ships inside its package (``skimage.data``, loaded offline). Licences, as stated in
scikit-image's docstrings of ``skimage.data``:

- astronaut (NASA): public domain ("no known copyright restrictions, released into the public domain");
- brick, grass, gravel (CC0Textures): CC0;
- camera: CC0 (Lav Varshney); cat, chelsea: CC0 (Stefan van der Walt); coffee: CC0 (Rachel Michetti);
- clock: public domain (Stefan van der Walt); text: public domain;
- coins (Brooklyn Museum), immunohistochemistry (CMMI): no known copyright restrictions;
- hubble_deep_field (NASA): public domain; rocket (SpaceX): public domain; retina: CC0 1.0;
- horse (silhouette): CC0 (Andreas Preuss);
- stereo_motorcycle (Middlebury 2014 stereo benchmark, Scharstein et al., with its measured disparity map),
  moon, page, colorwheel, logo (the scikit-image logo): shipped in the BSD-licensed scikit-image package, no
  separate licence stated in their docstrings.

Fonts: DejaVu (Bitstream Vera licence, free) and Liberation (SIL Open Font Licence) from
``/usr/share/fonts/truetype``; when none is installed, PIL's bundled default font.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont
from scipy import ndimage
from skimage import data, transform

from doubledip.tasks.segmentation import MIN_HINT_FRACTION

KINDS: dict[str, tuple[str, ...]] = {
    "dehaze": ("stereo_depth", "layered", "indoor", "bright_near", "haze_free", "distant"),
    "watermark": ("text_white", "logo_dark", "text_black", "logo_colour", "text_grey", "text_logo", "text_colour",
                  "logo_white"),
    "segment": ("ellipse", "blob", "polygon", "several"),
    "separate": ("plain", "shifted", "gain", "textures", "handheld"),
    "video": ("blob_leaves", "polygon_grows", "horse_crosses", "blob_shrinks"),
    "inpaint": ("object", "box", "brush", "caption", "scratches"),
}
KINDS["watermark_several"] = KINDS["watermark"]
_SALT = {"dehaze": 11, "watermark": 23, "segment": 37, "separate": 41, "video": 53, "watermark_several": 29,
         "inpaint": 61}

# Photos by role. Gray photos become gray RGB.
COLOUR = ("astronaut", "cat", "chelsea", "coffee", "rocket", "immunohistochemistry", "motorcycle", "hubble_deep_field",
          "retina")
TEXTURE = ("brick", "grass", "gravel", "cat", "chelsea", "coffee", "immunohistochemistry", "moon")
NO_SKY = ("brick", "gravel", "coffee", "chelsea", "cat", "immunohistochemistry", "motorcycle", "coins")
OBJECTS = ("astronaut", "cat", "chelsea", "coffee", "rocket", "immunohistochemistry", "coins", "camera", "clock",
           "colorwheel", "retina", "brick", "motorcycle")
# Scenes a camera sees through haze (no micrographs, fundus or deep-sky pictures: a pale micrograph under haze is
# no scene, and the dark-channel prior and ours both fail it below the hazy input).
SCENES = ("astronaut", "cat", "chelsea", "coffee", "rocket", "motorcycle", "camera", "brick", "gravel", "grass",
          "clock", "coins")
FLAT = ("rocket", "astronaut", "camera", "motorcycle", "clock")  # photos with sky / wall: a flat region to find
# A watermark's window counts as flat when its grey's standard deviation (over the mark's size) is under FLAT_STD.
# The flattest windows of FLAT photos' crops fall in two groups (tune seed, 100 cases): 0.003–0.036 (sky, a wall,
# the clock's face) and 0.055–0.225 (a crop of the motorcycle or the astronaut with no plain area), the latter as
# busy as the textured cases (0.058–0.313, median 0.157); such a case is labelled textured.
FLAT_STD = 0.05

BLUISH_WHITE = np.array([0.85, 0.9, 1.0], np.float32)
YELLOW_BROWN = np.array([0.8, 0.7, 0.45], np.float32)

WORDS = ("© SAMPLE", "PREVIEW", "stock photo", "DRAFT", "© Foto 2024", "COPYRIGHT", "demo", "Proof", "NOT FOR SALE",
         "watermark", "© Studio", "PHOTO")
FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/truetype/liberation"))


@dataclass
class Case:
    """One benchmark case: what the method gets (``inputs``), what it should give (``truth``), and the drawn
    parameters (``params``, JSON-friendly, for the results table)."""

    name: str
    kind: str
    inputs: dict[str, np.ndarray]
    truth: dict[str, np.ndarray]
    params: dict[str, Any] = field(default_factory=dict)


# --- photos -------------------------------------------------------------------------------------------------------


@functools.cache
def photo(name: str) -> np.ndarray:
    """A scikit-image sample photo as float32 (H, W, 3) in [0, 1] (gray photos as gray RGB; read-only)."""
    if name == "motorcycle":
        a = data.stereo_motorcycle()[0]
    elif name == "logo":
        rgba = data.logo().astype(np.float32) / 255
        a = rgba[..., :3] * rgba[..., 3:] + (1 - rgba[..., 3:])  # over white
        a.flags.writeable = False
        return a
    else:
        a = getattr(data, name)()
    a = np.asarray(a, np.float32) / 255.0
    if a.ndim == 2:
        a = np.repeat(a[..., None], 3, axis=2)
    a = np.ascontiguousarray(a[..., :3])
    a.flags.writeable = False
    return a


@functools.lru_cache(maxsize=1)
def motorcycle_depth() -> np.ndarray:
    """Depth of scikit-image's stereo motorcycle (500, 741) float32 in (0, 1]: 1/disparity normalised by its
    largest value; invalid (infinite or non-positive) disparities are filled with the nearest valid pixel's."""
    disp = np.asarray(data.stereo_motorcycle()[2], np.float64)
    valid = np.isfinite(disp) & (disp > 0)
    idx = ndimage.distance_transform_edt(~valid, return_distances=False, return_indices=True)
    disp = disp[tuple(idx)]
    inv = 1.0 / disp
    depth = (inv / inv.max()).astype(np.float32)
    depth.flags.writeable = False
    return depth


def _resize(a: np.ndarray, shape: tuple[int, int], order: int = 1) -> np.ndarray:
    return transform.resize(a, shape, order=order, anti_aliasing=order > 0 and a.dtype != bool,
                            preserve_range=True).astype(a.dtype if a.dtype == bool else np.float32)


def _crop(rng: np.random.Generator, a: np.ndarray, shape: tuple[int, int], zoom: tuple[float, float] = (0.55, 1.0),
          ) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """A random crop of ``a`` with the aspect of ``shape``, covering ``zoom`` of the largest such crop, resized to
    ``shape``; also the crop box (y0, x0, h, w)."""
    h, w = a.shape[:2]
    th, tw = shape
    big = min(h / th, w / tw)
    s = big * rng.uniform(*zoom)
    ch, cw = max(8, int(th * s)), max(8, int(tw * s))
    y0, x0 = int(rng.integers(0, h - ch + 1)), int(rng.integers(0, w - cw + 1))
    return _resize(a[y0:y0 + ch, x0:x0 + cw], shape), (y0, x0, ch, cw)


def _shape(rng: np.random.Generator, lo: int = 256, hi: int = 400) -> tuple[int, int]:
    """A random (h, w): both sides in [lo, hi], the short one at least 0.65 of the long one."""
    long = int(rng.integers(lo, hi + 1))
    short = int(rng.integers(max(lo, int(0.65 * long)), long + 1))
    return (short, long) if rng.random() < 0.7 else (long, short)


# Names of one photo: scikit-image's ``data.cat()`` is Chelsea the cat, the same pixels as ``data.chelsea()``.
SAME_PHOTO = {"cat": "chelsea", "chelsea": "cat"}


def _pick(rng: np.random.Generator, names: tuple[str, ...], *avoid: str) -> str:
    """One of ``names`` other than the photos ``avoid`` names, under any of their names (:data:`SAME_PHOTO`): two
    crops of Chelsea drawn as a separation's two layers were one picture framed twice, which no method can tell
    apart, and a cut-out of her over her own photo has no outline. A name drawn is drawn again only when it is
    another name of an avoided photo, so every other case is as it was drawn before."""
    pool = [n for n in names if n not in avoid]
    name = pool[int(rng.integers(len(pool)))]
    same = {SAME_PHOTO[a] for a in avoid if a in SAME_PHOTO}
    if name in same:  # drawn again only then, so that every other case stays as it was drawn before
        pool = [n for n in pool if n not in same]
        name = pool[int(rng.integers(len(pool)))]
    return name


# --- shapes -------------------------------------------------------------------------------------------------------


def _ellipse(rng: np.random.Generator, shape: tuple[int, int]) -> np.ndarray:
    h, w = shape
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    ry, rx = h / 2 * rng.uniform(0.75, 0.98), w / 2 * rng.uniform(0.75, 0.98)
    th = rng.uniform(0, np.pi)
    y, x = yy - h / 2, xx - w / 2
    u, v = x * np.cos(th) + y * np.sin(th), -x * np.sin(th) + y * np.cos(th)
    r = min(ry, rx)
    # rotated: keep it inside the box by using the smaller radius across
    return (u / max(rx, r)) ** 2 + (v / r) ** 2 <= 1.0


def _polygon(rng: np.random.Generator, shape: tuple[int, int]) -> np.ndarray:
    h, w = shape
    k = int(rng.integers(3, 9))
    # angles spread round the centre (jittered), so no polygon is a sliver
    ang = (np.arange(k) + rng.uniform(-0.3, 0.3, k)) * 2 * np.pi / k + rng.uniform(0, 2 * np.pi)
    rad = rng.uniform(0.55, 1.0, k)
    pts = [(w / 2 + 0.48 * w * r * np.cos(a), h / 2 + 0.48 * h * r * np.sin(a)) for a, r in zip(ang, rad)]
    img = Image.new("L", (w, h), 0)
    ImageDraw.Draw(img).polygon(pts, fill=255)
    return np.asarray(img) > 127


def _blob(rng: np.random.Generator, shape: tuple[int, int]) -> np.ndarray:
    """Thresholded smoothed noise under a soft round envelope; its largest component, holes filled."""
    h, w = shape
    noise = ndimage.gaussian_filter(rng.standard_normal((h, w)), sigma=min(h, w) * rng.uniform(0.07, 0.14))
    noise /= noise.std() + 1e-9
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    env = ((yy - h / 2) / (h / 2)) ** 2 + ((xx - w / 2) / (w / 2)) ** 2
    m = noise - 2.5 * env > -1.2
    lab, n = ndimage.label(m)
    if n == 0:
        return _ellipse(rng, shape)
    sizes = ndimage.sum(m, lab, range(1, n + 1))
    return ndimage.binary_fill_holes(lab == 1 + int(np.argmax(sizes)))


def _horse(rng: np.random.Generator, shape: tuple[int, int]) -> np.ndarray:
    sil = ~data.horse()  # scikit-image's horse: True on the white surround
    if rng.random() < 0.5:
        sil = sil[:, ::-1]
    return _resize(sil.astype(np.float32), shape) > 0.5


def _several(rng: np.random.Generator, shape: tuple[int, int]) -> np.ndarray:
    """Two to five discs and ellipses, coins or cells style."""
    h, w = shape
    m = np.zeros(shape, bool)
    for _ in range(int(rng.integers(2, 6))):
        sh = int(h * rng.uniform(0.25, 0.45)), int(w * rng.uniform(0.25, 0.45))
        y0, x0 = int(rng.integers(0, h - sh[0] + 1)), int(rng.integers(0, w - sh[1] + 1))
        m[y0:y0 + sh[0], x0:x0 + sh[1]] |= _ellipse(rng, sh)
    return m


SHAPES = {"ellipse": _ellipse, "polygon": _polygon, "blob": _blob, "horse": _horse, "several": _several}


def _place(rng: np.random.Generator, canvas: tuple[int, int], obj: np.ndarray, inside: bool = True,
           ) -> tuple[np.ndarray, tuple[int, int]]:
    """``obj`` (a mask) placed at a random position on a ``canvas``-sized mask (cut at the border if not
    ``inside``); also the top-left corner."""
    h, w = canvas
    oh, ow = obj.shape
    y0 = int(rng.integers(0, max(1, h - oh + 1))) if inside else int(rng.integers(-oh // 4, h - 3 * oh // 4 + 1))
    x0 = int(rng.integers(0, max(1, w - ow + 1))) if inside else int(rng.integers(-ow // 4, w - 3 * ow // 4 + 1))
    m = np.zeros(canvas, bool)
    ys, xs = slice(max(0, y0), min(h, y0 + oh)), slice(max(0, x0), min(w, x0 + ow))
    m[ys, xs] = obj[ys.start - y0: ys.stop - y0, xs.start - x0: xs.stop - x0]
    return m, (y0, x0)


def _disk(r: int) -> np.ndarray:
    r = max(0, int(r))
    yy, xx = np.mgrid[-r:r + 1, -r:r + 1]
    return (yy ** 2 + xx ** 2) <= r * r + 0.5


def _grow(m: np.ndarray, r: int) -> np.ndarray:
    return cv2.dilate(m.astype(np.uint8), _disk(r).astype(np.uint8)) > 0 if r > 0 else m.copy()


def _shrink(m: np.ndarray, r: int) -> np.ndarray:
    return cv2.erode(m.astype(np.uint8), _disk(r).astype(np.uint8), borderType=cv2.BORDER_REPLICATE) > 0 \
        if r > 0 else m.copy()


def _rng(task: str, seed: int, i: int) -> np.random.Generator:
    return np.random.default_rng([int(seed) & 0xFFFFFFFF, _SALT[task], i])


# --- dehaze -------------------------------------------------------------------------------------------------------


def _airlight(rng: np.random.Generator) -> np.ndarray:
    """Between bluish-white (0.85, 0.9, 1.0) and yellow-brown (0.8, 0.7, 0.45), a little brighter or darker."""
    u = rng.uniform(0, 1) ** 1.3
    a = (1 - u) * BLUISH_WHITE + u * YELLOW_BROWN
    return np.clip(a * rng.uniform(0.92, 1.04), 0.05, 1.0).astype(np.float32)


def _ramp(rng: np.random.Generator, shape: tuple[int, int], lo: float, hi: float) -> np.ndarray:
    """A depth ramp from ``lo`` to ``hi`` in a random direction (any angle), slightly curved."""
    h, w = shape
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    a = rng.uniform(0, 2 * np.pi)
    p = np.cos(a) * (xx - w / 2) + np.sin(a) * (yy - h / 2)
    p = (p - p.min()) / max(1e-6, float(p.max() - p.min()))
    return (lo + (hi - lo) * p ** rng.uniform(0.7, 1.5)).astype(np.float32)


def _paste_objects(rng: np.random.Generator, clean: np.ndarray, depth: np.ndarray, bg_name: str, k: int,
                   near: tuple[float, float]) -> list[dict]:
    """Paste ``k`` objects (a crop of another photo cut by an ellipse / polygon / blob / horse) with constant depths
    in ``near`` (as a share of the background's nearest depth under them) into ``clean`` and ``depth``."""
    h, w = depth.shape
    out = []
    for _ in range(k):
        kind = ("ellipse", "polygon", "blob", "horse")[int(rng.integers(4))]
        oh, ow = int(h * rng.uniform(0.3, 0.6)), int(w * rng.uniform(0.25, 0.55))
        shape = SHAPES[kind](rng, (oh, ow))
        m, _ = _place(rng, (h, w), shape, inside=rng.random() < 0.6)
        if m.sum() < 50:
            continue
        src = _pick(rng, OBJECTS, bg_name)
        tex, _ = _crop(rng, photo(src), (h, w))
        d = float(depth[m].min()) * rng.uniform(*near)
        clean[m] = tex[m]
        depth[m] = d
        out.append({"shape": kind, "photo": src, "depth": round(d, 3)})
    return out


def draw_dehaze(seed: int, n: int, size: tuple[int, int] = (256, 400)) -> list[Case]:
    """Hazy photos rendered by I = J·t + A·(1 − t), t = exp(−β·d), with J, t, A and d as truth.

    Kinds: ``stereo_depth`` (scikit-image's stereo motorcycle, d ∝ 1/disparity from its measured disparity map:
    sharp object edges), ``layered`` (a photo on a depth ramp in a random direction, 1–3 objects pasted nearer at
    constant depths), ``indoor`` (a layered scene of a photo without sky, β so that t ≥ 0.3 everywhere),
    ``bright_near`` (a layered scene with a white-ish object at small depth, its mask as truth ``white_object``),
    ``haze_free`` (β = 0: I = J; a good method returns it unchanged), ``distant`` (a layered scene whose near
    25–50 % is clear, d = 0 there, and whose haze thickens with distance beyond: a landscape with a clear
    foreground, the commonest hazy photo). ``size``: the range of the long side in px.
    """
    cases = []
    for i in range(n):
        rng = _rng("dehaze", seed, i)
        kind = KINDS["dehaze"][i % len(KINDS["dehaze"])]
        shape = _shape(rng, *size)
        a = _airlight(rng)
        params: dict[str, Any] = {}
        white_mask = None
        if kind == "stereo_depth":
            full = photo("motorcycle")
            clean, (y0, x0, ch, cw) = _crop(rng, full, shape, zoom=(0.6, 1.0))
            depth = _resize(motorcycle_depth()[y0:y0 + ch, x0:x0 + cw], shape, order=0)
            depth = (depth - depth.min()) / max(1e-6, float(depth.max() - depth.min()))
            d_lo = rng.uniform(0.05, 0.25)
            depth = (d_lo + (1 - d_lo) * depth).astype(np.float32)
            beta = float(rng.uniform(0.8, 2.4))
            params.update(photo="motorcycle")
        elif kind == "haze_free":
            name = _pick(rng, SCENES)
            clean, _ = _crop(rng, photo(name), shape)
            depth = np.ones(shape, np.float32)
            beta = 0.0
            params.update(photo=name)
        else:
            indoor = kind == "indoor"
            bg = _pick(rng, tuple(n for n in NO_SKY if n in SCENES) if indoor else SCENES)
            clean, _ = _crop(rng, photo(bg), shape)
            clean = clean.copy()
            lo = rng.uniform(0.3, 0.6)
            depth = _ramp(rng, shape, lo, rng.uniform(lo + 0.25, 1.0))
            objects = _paste_objects(rng, clean, depth, bg, int(rng.integers(1, 4)), near=(0.2, 0.75))
            if kind == "bright_near":
                h, w = shape
                oh, ow = int(h * rng.uniform(0.18, 0.35)), int(w * rng.uniform(0.15, 0.3))
                sk = ("ellipse", "polygon")[int(rng.integers(2))]
                m, _ = _place(rng, shape, SHAPES[sk](rng, (oh, ow)))
                white = rng.uniform(0.9, 1.0, 3).astype(np.float32)
                if rng.random() < 0.5:  # a sign or sheet of paper: scikit-image's page, brightened
                    tex, _ = _crop(rng, photo("page"), shape)
                    tex = np.clip(tex / max(1e-3, float(np.percentile(tex, 40))), 0, 1) * white
                else:
                    tex = np.clip(white + 0.02 * rng.standard_normal((*shape, 1)), 0, 1).astype(np.float32)
                clean[m] = tex[m]
                depth[m] = float(rng.uniform(0.02, 0.12))
                objects.append({"shape": sk, "photo": "white", "depth": round(float(depth[m][0]), 3)})
                white_mask = m
            if kind == "distant":  # the near part clear, the depth measured from where the haze begins to the
                # farthest point (d = 1 there: dense haze in the distance, as in a landscape)
                depth = np.maximum(depth - float(np.quantile(depth, rng.uniform(0.25, 0.5))), 0.0)
                depth = (depth / max(1e-6, float(depth.max()))).astype(np.float32)
            dmax = float(depth.max())
            if indoor:
                beta = float(rng.uniform(0.35, 1.0) * -np.log(0.3) / dmax)
            else:
                beta = float(rng.uniform(0.8, 3.0))
            params.update(photo=bg, objects=objects)
        t = np.exp(-beta * depth).astype(np.float32)
        hazy = (clean * t[..., None] + a * (1 - t[..., None])).astype(np.float32)
        params.update(beta=round(beta, 3), airlight=[round(float(v), 3) for v in a],
                      t_min=round(float(t.min()), 3), t_max=round(float(t.max()), 3))
        cases.append(Case(f"dehaze{i:02d}_{kind}", kind, {"image": hazy},
                          {"clean": clean.astype(np.float32), "transmission": t, "airlight": a,
                           "depth": depth.astype(np.float32),
                           **({"white_object": white_mask} if white_mask is not None else {})}, params))
    return cases


# --- watermark ----------------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def fonts() -> tuple[str, ...]:
    found = sorted(str(p) for d in FONT_DIRS if d.is_dir() for p in d.glob("*.ttf") if "Math" not in p.name)
    return tuple(found)


def _font(rng: np.random.Generator, px: int) -> tuple[ImageFont.ImageFont, str]:
    paths = fonts()
    if not paths:
        return ImageFont.load_default(size=px), "default"
    p = paths[int(rng.integers(len(paths)))]
    return ImageFont.truetype(p, px), Path(p).stem


def _mark_coverage(rng: np.random.Generator, kind: str) -> tuple[np.ndarray, dict]:
    """The mark's coverage M (h, w) float32 in [0, 1], drawn 4× larger and shrunk (anti-aliased)."""
    ss = 4
    params: dict[str, Any] = {}
    parts = []
    if kind.startswith("text") or kind == "text_logo":
        px = int(rng.integers(18, 49))
        font, fname = _font(rng, px * ss)
        word = WORDS[int(rng.integers(len(WORDS)))]
        params.update(text=word, font=fname, font_px=px)
        parts.append(("text", word, font))
    if kind.startswith("logo") or kind == "text_logo":
        shapes = list(rng.choice(["ring", "bar", "disc", "square", "triangle"], size=int(rng.integers(1, 3)),
                                 replace=False))
        params["shapes"] = shapes
        for s in shapes:
            parts.append(("shape", s, None))
        if kind.startswith("logo") and rng.random() < 0.6:  # a logo with a word, as the dark logo
            px = int(rng.integers(14, 30))
            font, fname = _font(rng, px * ss)
            word = WORDS[int(rng.integers(len(WORDS)))]
            params.update(text=word, font=fname, font_px=px)
            parts.append(("text", word, font))
    # lay the parts out in a row
    size = int(rng.integers(36, 80)) * ss  # shape size
    stroke = max(ss, int(size * rng.uniform(0.1, 0.2)))
    boxes = []
    for what, v, font in parts:
        if what == "text":
            x0, y0, x1, y1 = font.getbbox(v)
            boxes.append((x1 - x0 + 2 * ss, y1 - y0 + 2 * ss, -x0 + ss, -y0 + ss))
        else:
            sw = size * (3 if v == "bar" else 1)
            sh = size // 3 if v == "bar" else size
            boxes.append((sw, sh, 0, 0))
    gap = 6 * ss
    W = sum(b[0] for b in boxes) + gap * (len(boxes) + 1)
    H = max(b[1] for b in boxes) + 2 * gap
    img = Image.new("L", (W, H), 0)
    dr = ImageDraw.Draw(img)
    x = gap
    for (what, v, font), (bw, bh, ox, oy) in zip(parts, boxes):
        y = (H - bh) // 2
        if what == "text":
            dr.text((x + ox, y + oy), v, fill=255, font=font)
        elif v == "ring":
            dr.ellipse((x, y, x + bw, y + bh), outline=255, width=stroke)
        elif v == "disc":
            dr.ellipse((x, y, x + bw, y + bh), fill=255)
        elif v in ("bar", "square"):
            dr.rectangle((x, y, x + bw, y + bh), fill=255)
        else:
            dr.polygon([(x + bw / 2, y), (x, y + bh), (x + bw, y + bh)], fill=255)
        x += bw + gap
    small = img.resize((max(1, W // ss), max(1, H // ss)), Image.Resampling.BOX)
    m = np.asarray(small, np.float32) / 255.0
    if rng.random() < 0.3:  # some marks are tilted
        ang = float(rng.uniform(-30, 30))
        m = np.asarray(Image.fromarray((m * 255).astype(np.uint8)).rotate(ang, Image.Resampling.BILINEAR,
                                                                          expand=True), np.float32) / 255
        params["angle"] = round(ang, 1)
    ys, xs = np.nonzero(m > 0.01)
    return m[ys.min():ys.max() + 1, xs.min():xs.max() + 1], params


def _mark_colour(rng: np.random.Generator, kind: str) -> np.ndarray:
    if kind.endswith("white"):
        return np.full(3, rng.uniform(0.92, 1.0), np.float32)
    if kind.endswith("black") or kind.endswith("dark"):
        return np.full(3, rng.uniform(0.0, 0.12), np.float32)
    if kind.endswith("grey"):
        return np.full(3, rng.uniform(0.4, 0.65), np.float32)
    # coloured (text_logo too): a saturated hue
    hsv = np.uint8([[[int(rng.integers(0, 180)), int(rng.integers(170, 256)), int(rng.integers(170, 256))]]])
    return cv2.cvtColor(hsv, cv2.COLOR_HSV2RGB)[0, 0].astype(np.float32) / 255


def _flatness(img: np.ndarray, box: tuple[int, int]) -> np.ndarray:
    """Local standard deviation of the gray image over ``box``-sized windows (same size as ``img``)."""
    g = img.mean(2).astype(np.float64)
    k = (max(1, box[1]), max(1, box[0]))
    mu = cv2.blur(g, k)
    var = cv2.blur(g * g, k) - mu * mu
    return np.sqrt(np.clip(var, 0, None))


def draw_watermark(seed: int, n: int, size: tuple[int, int] = (320, 480), first: int = 0) -> list[Case]:
    """Watermarked photos I = (1 − α·M)·J + α·M·C with a user's hint, J and M as truth.

    Kinds (mark and colour): ``text_white``, ``text_black``, ``text_grey``, ``text_colour``, ``logo_white``,
    ``logo_dark``, ``logo_colour`` (rings, bars, discs, squares, triangles, often with a word) and ``text_logo``
    (a word and shapes, coloured). Placed (``window``) in the flattest window of a photo with sky or a wall, or in
    a busy window of fur, brick, grass, gravel…, half of each in every 8 cases. Region: ``flat`` where that window's
    spread is under :data:`FLAT_STD`, else ``textured`` (a crop with no plain area has none to offer). Opacity α in
    [0.25, 0.7]; fonts DejaVu / Liberation at 18–48 px. Hint: a box around the mark with 2–20 px padding, or a
    brush (the mark dilated by 2–8 px). Cases ``first`` to ``n − 1`` (each case depends only on the seed and its
    index).
    """
    cases = []
    for i in range(first, n):
        rng = _rng("watermark", seed, i)
        kind = KINDS["watermark"][i % len(KINDS["watermark"])]
        block = _rng("watermark", seed, 1_000_000 + i // 8)  # which cases of this block of 8 are flat
        regions = ["flat" if k % 2 else "textured" for k in block.permutation(8)]
        region = regions[i % 8]
        shape = _shape(rng, *size)
        name = _pick(rng, FLAT if region == "flat" else TEXTURE)
        clean, _ = _crop(rng, photo(name), shape, zoom=(0.7, 1.0))
        m, mparams = _mark_coverage(rng, kind)
        h, w = shape
        pad = int(rng.integers(2, 21))
        limit = (min(int(0.8 * h), h - 2 * pad - 4), min(int(0.8 * w), w - 2 * pad - 4))
        if m.shape[0] > limit[0] or m.shape[1] > limit[1]:
            f = min(limit[0] / m.shape[0], limit[1] / m.shape[1])
            m = _resize(m, (max(4, int(m.shape[0] * f)), max(4, int(m.shape[1] * f))))
        mh, mw = m.shape
        brush = rng.random() < 0.35
        # where: flattest / busiest window (among the 15 % best), clear of the border by the padding
        sd = _flatness(clean, (mh, mw))
        cy0, cy1 = mh // 2 + pad + 1, h - (mh - mh // 2) - pad - 1
        cx0, cx1 = mw // 2 + pad + 1, w - (mw - mw // 2) - pad - 1
        sub = sd[cy0:cy1, cx0:cx1]
        q = np.quantile(sub, 0.15 if region == "flat" else 0.85)
        ys, xs = np.nonzero(sub <= q if region == "flat" else sub >= q)
        j = int(rng.integers(len(ys)))
        y0, x0 = cy0 + ys[j] - mh // 2, cx0 + xs[j] - mw // 2
        cov = np.zeros(shape, np.float32)
        cov[y0:y0 + mh, x0:x0 + mw] = m
        alpha = float(rng.uniform(0.25, 0.7))
        colour = _mark_colour(rng, kind)
        om = (alpha * cov)[..., None]
        image = ((1 - om) * clean + om * colour).astype(np.float32)
        if brush:
            r = int(rng.integers(2, 9))
            hint = _grow(cov > 0, r)
            hparams = {"hint": "brush", "radius": r}
        else:
            hint = np.zeros(shape, bool)
            hint[max(0, y0 - pad):y0 + mh + pad, max(0, x0 - pad):x0 + mw + pad] = True
            hparams = {"hint": "box", "padding": pad}
        window = "flattest" if region == "flat" else "busiest"
        local_std = float(sd[y0 + mh // 2, x0 + mw // 2])
        region = "flat" if local_std < FLAT_STD else "textured"
        params = {"photo": name, "region": region, "window": window, "opacity": round(alpha, 3),
                  "colour": [round(float(v), 3) for v in colour], **mparams, **hparams,
                  "local_std": round(local_std, 4)}
        cases.append(Case(f"wm{i:02d}_{kind}_{region}", kind, {"image": image, "hint": hint},
                          {"clean": clean.astype(np.float32), "mark": cov}, params))
    return cases


def draw_watermark_several(seed: int, n: int, size: tuple[int, int] = (256, 400), first: int = 0) -> list[Case]:
    """Several photos carrying one mark at one place, no hint: I_k = (1 − α·M)·J_k + α·M·C for k = 1…K.

    K in 2–4 photos, each a crop of a different bundled photo (any of them, so the mark lies over sky in one and
    over fur or brick in another), all of one size; the mark's kinds, fonts, colours and opacities as
    :func:`draw_watermark`'s, placed anywhere clear of the border by 8 px. Truth: each photo's J and the mark's
    coverage M. Cases ``first`` to ``n − 1``.
    """
    names = tuple(sorted(set(COLOUR + TEXTURE + FLAT + NO_SKY)))
    cases = []
    for i in range(first, n):
        rng = _rng("watermark_several", seed, i)
        kind = KINDS["watermark_several"][i % len(KINDS["watermark_several"])]
        shape = _shape(rng, *size)
        count = int(rng.integers(2, 5))
        chosen = [str(v) for v in rng.choice(names, size=count, replace=False)]
        cleans = np.stack([_crop(rng, photo(name), shape, zoom=(0.6, 1.0))[0] for name in chosen]).astype(np.float32)
        m, mparams = _mark_coverage(rng, kind)
        h, w = shape
        limit = (int(0.7 * h), int(0.7 * w))
        if m.shape[0] > limit[0] or m.shape[1] > limit[1]:
            f = min(limit[0] / m.shape[0], limit[1] / m.shape[1])
            m = _resize(m, (max(4, int(m.shape[0] * f)), max(4, int(m.shape[1] * f))))
        mh, mw = m.shape
        y0, x0 = int(rng.integers(8, h - mh - 8)), int(rng.integers(8, w - mw - 8))
        cov = np.zeros(shape, np.float32)
        cov[y0:y0 + mh, x0:x0 + mw] = m
        alpha = float(rng.uniform(0.25, 0.7))
        colour = _mark_colour(rng, kind)
        om = (alpha * cov)[None, ..., None]
        images = ((1 - om) * cleans + om * colour).astype(np.float32)
        params = {"photos": chosen, "opacity": round(alpha, 3), "colour": [round(float(v), 3) for v in colour],
                  **mparams}
        cases.append(Case(f"wms{i:02d}_{kind}_{count}", kind, {"images": images}, {"clean": cleans, "mark": cov},
                          params))
    return cases


# --- segmentation -------------------------------------------------------------------------------------------------


def _strokes(rng: np.random.Generator, allowed: np.ndarray, count: int, width: int, length: float,
             spread: bool = False) -> np.ndarray:
    """``count`` wobbly strokes ``width`` px wide, each about ``length`` px long, kept inside ``allowed``: what a
    user paints with a brush. ``spread``: one stroke from each cell of a 3×3 grid that has room for it (a user
    paints over every part of the background, not one corner), then ``count`` more anywhere."""
    h, w = allowed.shape
    out = np.zeros((h, w), np.uint8)
    ys, xs = np.nonzero(allowed)
    if len(ys) == 0:
        return out > 0
    starts = []
    if spread:
        cell = (3 * ys // h) * 3 + 3 * xs // w
        for c in range(9):
            idx = np.nonzero(cell == c)[0]
            if len(idx) > 0.02 * h * w / 9:
                starts.append(int(idx[int(rng.integers(len(idx)))]))
    starts += [int(rng.integers(len(ys))) for _ in range(count)]
    for j in starts:
        y, x = float(ys[j]), float(xs[j])
        ang = rng.uniform(0, 2 * np.pi)
        pts = [(x, y)]
        for _ in range(6):
            ang += rng.normal(0, 0.5)
            x = float(np.clip(x + np.cos(ang) * length / 6, 0, w - 1))
            y = float(np.clip(y + np.sin(ang) * length / 6, 0, h - 1))
            pts.append((x, y))
        cv2.polylines(out, [np.round(np.array(pts)).astype(np.int32)], False, 1, thickness=width)
    return (out > 0) & allowed


def user_hints(rng: np.random.Generator, mask: np.ndarray, style: str | None = None,
               ) -> tuple[np.ndarray, np.ndarray, str]:
    """Foreground and background hints for ``mask`` (bool (H, W)), as a user paints them: ``strokes`` (a few brush
    strokes in the object's core, at least one on each of its separate parts, and in the background away from it)
    or ``core`` (the object's core and everything well away from it, as the bundled examples' hints). Returns (fg,
    bg, style)."""
    h, w = mask.shape
    margin = max(4, int(0.04 * max(h, w)))
    style = style or ("strokes" if rng.random() < 0.6 else "core")
    core = _shrink(mask, margin)
    if core.sum() < 20:
        core = _shrink(mask, 1)
    away = ~_grow(mask, margin)
    if style == "core":
        return core, away, style
    width = max(3, int(0.02 * max(h, w)))
    fg = _strokes(rng, core, int(rng.integers(2, 5)), width, 0.5 * np.sqrt(mask.sum()))
    bg = _strokes(rng, away, int(rng.integers(1, 4)), width, 0.4 * max(h, w), spread=True)
    least = max(10, MIN_HINT_FRACTION * h * w)  # below it the library asks for more: a user paints the core then
    if fg.sum() < least:
        fg = core
    if bg.sum() < least:
        bg = away
    # One stroke on every object no stroke touched: the library drops a foreground region no stroke touches and
    # says "mark every object you want with a stroke", as a user then does. (Drawn last, so a case whose strokes
    # touch every object is the same as before this rule.)
    count, labels = cv2.connectedComponents(mask.astype(np.uint8), connectivity=8)
    for c in range(1, count):
        part = core & (labels == c)
        if part.sum() >= 20 and not (fg & (labels == c)).any():
            fg |= _strokes(rng, part, 1, width, 0.5 * np.sqrt((labels == c).sum()))
    return fg, bg, style


def draw_segment(seed: int, n: int, size: tuple[int, int] = (256, 400), first: int = 0) -> list[Case]:
    """Composites I = m·F + (1 − m)·B: a crop of one photo cut by a random shape pasted on a crop of another, the
    mask m as truth. Kinds (the shape): ``ellipse``, ``blob`` (thresholded smoothed noise), ``polygon``,
    ``several`` (two to five discs / ellipses, coins or cells style). Hints: see :func:`user_hints`. Truth: the
    ``mask`` and the two crops it composes (``foreground``, ``background``). Cases ``first`` to ``n − 1``."""
    cases = []
    for i in range(first, n):
        rng = _rng("segment", seed, i)
        kind = KINDS["segment"][i % len(KINDS["segment"])]
        shape = _shape(rng, *size)
        h, w = shape
        bg_name = _pick(rng, COLOUR + TEXTURE)
        fg_name = _pick(rng, OBJECTS, bg_name)
        bg, _ = _crop(rng, photo(bg_name), shape)
        fg, _ = _crop(rng, photo(fg_name), shape)
        lo, hi = (0.6, 0.9) if kind == "several" else (0.45, 0.8)
        obj = SHAPES[kind](rng, (int(h * rng.uniform(lo, hi)), int(w * rng.uniform(lo, hi))))
        m, _ = _place(rng, shape, obj)
        image = np.where(m[..., None], fg, bg).astype(np.float32)
        fgh, bgh, style = user_hints(rng, m)
        cases.append(Case(f"seg{i:02d}_{kind}", kind, {"image": image, "fg_hint": fgh, "bg_hint": bgh},
                          {"mask": m, "foreground": fg, "background": bg},
                          {"object": fg_name, "background": bg_name, "hints": style,
                           "coverage": round(float(m.mean()), 3)}))
    return cases


# --- separation ---------------------------------------------------------------------------------------------------


def camera_move(image: np.ndarray, dx: float, dy: float) -> np.ndarray:
    """``image`` (H, W, C) as a second shot taken after the camera moved: its content moved by ``(dx, dy)`` px
    (fractions of a pixel too; x right, y down: ``out(x + dx, y + dy) = image(x, y)``, the convention of
    :mod:`doubledip.register`), resampled with a Lanczos kernel (not the library's cubic one), edges mirrored."""
    m = np.array([[1.0, 0.0, dx], [0.0, 1.0, dy]])
    out = cv2.warpAffine(np.ascontiguousarray(image, np.float32), m, (image.shape[1], image.shape[0]),
                         flags=cv2.INTER_LANCZOS4, borderMode=cv2.BORDER_REFLECT)
    return out.reshape(image.shape)


def draw_separate(seed: int, n: int, size: tuple[int, int] = (256, 400), first: int = 0,
                  kinds: tuple[str, ...] = KINDS["separate"]) -> list[Case]:
    """Two mixtures I_k = g_k·(α_k·y1 + (1 − α_k)·y2) of two photos, y1 and y2 as truth. Kinds: ``plain``,
    ``shifted`` (y2 moved by 1–4 px in the second mixture: a reflection that moved against the scene between two
    shots), ``gain`` (the second mixture 0.85–1.15× brighter), ``textures`` (two textures: brick, grass, gravel,
    moon), ``handheld`` (the whole second mixture moved by up to 2.75 px, a fraction of a pixel in at least one axis:
    two hand-held shots; :func:`camera_move`). |α1 − α2| ≥ 0.2. Cases ``first`` to ``n − 1`` (each case depends only
    on the seed and its index; case i is of kind ``kinds[i % len(kinds)]``: the first four kinds alone give the
    cases drawn before ``handheld`` was added)."""
    cases = []
    for i in range(first, n):
        rng = _rng("separate", seed, i)
        kind = kinds[i % len(kinds)]
        shape = _shape(rng, *size)
        pool = ("brick", "grass", "gravel", "moon", "coffee", "chelsea") if kind == "textures" else COLOUR
        n1 = _pick(rng, pool)
        n2 = _pick(rng, pool, n1)
        y1, _ = _crop(rng, photo(n1), shape)
        y2, _ = _crop(rng, photo(n2), shape)
        a1 = float(rng.uniform(0.2, 0.8))
        a2 = float(np.clip(a1 + rng.choice([-1, 1]) * rng.uniform(0.2, 0.45), 0.1, 0.9))
        if abs(a2 - a1) < 0.2:
            a2 = a1 - 0.3 if a1 > 0.5 else a1 + 0.3
        y2b, gain, shift = y2, 1.0, (0, 0)
        if kind == "shifted":
            shift = (int(rng.integers(-4, 5)), int(rng.integers(1, 5)))
            y2b = np.roll(y2, shift, axis=(0, 1))
        if kind == "gain":
            gain = float(1 + rng.choice([-1, 1]) * rng.uniform(0.05, 0.15))
        m1 = (a1 * y1 + (1 - a1) * y2).astype(np.float32)
        m2 = gain * (a2 * y1 + (1 - a2) * y2b)
        params = {"layer1": n1, "layer2": n2, "alphas": [round(a1, 3), round(a2, 3)], "gain": round(gain, 3),
                  "shift": list(shift)}
        if kind == "handheld":
            move = [float(rng.uniform(-2.5, 2.5)) for _ in range(2)]
            j = int(rng.integers(2))  # at least one axis a clear fraction of a pixel
            move[j] = float(np.floor(move[j]) + rng.uniform(0.25, 0.75))
            params["camera_move"] = [round(v, 3) for v in move]
            m2 = camera_move(m2, *params["camera_move"])
        m2 = np.clip(m2, 0, 1).astype(np.float32)
        cases.append(Case(f"sep{i:02d}_{kind}", kind, {"mixture1": m1, "mixture2": m2},
                          {"layer1": y1, "layer2": y2}, params))
    return cases


# --- video --------------------------------------------------------------------------------------------------------


def draw_video(seed: int, n: int, frames: tuple[int, int] = (24, 48), size: tuple[int, int] = (192, 224),
               ) -> list[Case]:
    """Clips of an object (a crop of a photo cut by a shape) moving and scaling over a cluttered background crop,
    with camera shake (a random 0–3 px translation per frame of the whole view); masks as truth.

    Kinds: ``blob_leaves`` (a blob crossing the frame and partly leaving it), ``polygon_grows`` (a polygon coming
    closer: scale ×1.3–1.7), ``horse_crosses`` (the horse silhouette crossing), ``blob_shrinks`` (moving away: scale
    ×0.55–0.75). 24–48 frames; long side 192–224 px. Inputs: ``frames`` (T, H, W, 3), ``fg_hint`` / ``bg_hint`` on
    frame 0 (the true mask eroded, and a band around it); truth ``masks`` (T, H, W) bool.
    """
    cases = []
    for i in range(n):
        rng = _rng("video", seed, i)
        kind = KINDS["video"][i % len(KINDS["video"])]
        T = int(rng.integers(frames[0], frames[1] + 1))
        long = int(rng.integers(size[0], size[1] + 1))
        h, w = int(long * rng.uniform(0.65, 0.8)), long
        shake = 3
        H, W = h + 2 * shake, w + 2 * shake
        bg_name = _pick(rng, TEXTURE + ("astronaut", "coffee", "immunohistochemistry", "motorcycle", "retina"))
        fg_name = _pick(rng, OBJECTS, bg_name)
        bg, _ = _crop(rng, photo(bg_name), (H, W), zoom=(0.5, 0.9))
        shape_kind = kind.split("_")[0]
        oh = int(h * rng.uniform(0.4, 0.6))
        ow = int(oh * rng.uniform(0.8, 1.5))
        obj = SHAPES[shape_kind](rng, (oh, ow)).astype(np.float32)
        tex, _ = _crop(rng, photo(fg_name), (oh, ow))
        if kind == "polygon_grows":
            s0, s1 = 1.0, float(rng.uniform(1.3, 1.7))
        elif kind == "blob_shrinks":
            s0, s1 = 1.0, float(rng.uniform(0.55, 0.75))
        else:
            s0 = s1 = float(rng.uniform(0.85, 1.1))
        side = rng.choice([-1, 1])
        cy0, cy1 = H * rng.uniform(0.4, 0.6), H * rng.uniform(0.35, 0.65)
        if kind == "blob_leaves":  # ends with 35–65 % of its width inside the frame
            cx0 = W / 2 - side * W * rng.uniform(0.1, 0.2)
            half, seen = ow * s1 / 2, ow * s1 * rng.uniform(0.35, 0.65)
            cx1 = W + half - seen if side > 0 else seen - half
        elif kind == "horse_crosses":
            cx0 = W / 2 - side * W * rng.uniform(0.1, 0.2)
            cx1 = W / 2 + side * W * rng.uniform(0.15, 0.3)
        else:
            cx0, cx1 = W * rng.uniform(0.35, 0.65), W * rng.uniform(0.35, 0.65)
        wob = rng.uniform(2, 6)
        clip = np.empty((T, h, w, 3), np.float32)
        masks = np.empty((T, h, w), bool)
        for k in range(T):
            s = k / max(1, T - 1)
            sc = s0 + (s1 - s0) * s
            cx = cx0 + (cx1 - cx0) * s
            cy = cy0 + (cy1 - cy0) * s + wob * np.sin(2 * np.pi * s * 1.5)
            M = np.float32([[sc, 0, cx - sc * ow / 2], [0, sc, cy - sc * oh / 2]])
            mk = cv2.warpAffine(obj, M, (W, H), flags=cv2.INTER_LINEAR, borderValue=0) > 0.5
            tx = cv2.warpAffine(tex, M, (W, H), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
            full = np.where(mk[..., None], tx, bg)
            dy, dx = (int(v) for v in rng.integers(-shake, shake + 1, 2))
            ys, xs = slice(shake + dy, shake + dy + h), slice(shake + dx, shake + dx + w)
            clip[k] = full[ys, xs]
            masks[k] = mk[ys, xs]
        margin = max(3, int(0.03 * long))
        band = max(6, int(0.1 * long))
        fg = _shrink(masks[0], margin)
        bgh = _grow(masks[0], margin + band) & ~_grow(masks[0], margin)
        cases.append(Case(f"vid{i:02d}_{kind}", kind, {"frames": clip, "fg_hint": fg, "bg_hint": bgh},
                          {"masks": masks},
                          {"object": fg_name, "background": bg_name, "frames": T, "size": f"{w}×{h}",
                           "scale": [round(s0, 2), round(s1, 2)], "shake_px": shake,
                           "visible_last": round(float(masks[-1].sum() / max(1, masks[0].sum())), 2)}))
    return cases


# --- inpainting ---------------------------------------------------------------------------------------------------


def _hole(rng: np.random.Generator, kind: str, shape: tuple[int, int]) -> tuple[np.ndarray, dict]:
    """The hole a user paints, (H, W) bool, and what it is: ``object`` (a shape of 40–110 px grown by 2–6 px, as one
    paints round what is to go), ``box`` (a rectangle, 12–48 × 30–160 px: a caption's or a sign's box), ``brush``
    (one or two strokes 8–28 px wide over something), ``caption`` (a bold word of 22–56 px, grown by 1–4 px: a date
    stamp or a caption painted over), ``scratches`` (two to six lines 2–4 px wide: an old print's scratches)."""
    h, w = shape
    m = np.zeros(shape, np.uint8)
    if kind == "object":
        side = min(int(rng.integers(40, 111)), min(h, w) - 4)
        obj = SHAPES[_pick(rng, ("ellipse", "polygon", "blob", "horse"))](
            rng, (side, int(side * rng.uniform(0.6, 1.4))))
        grow = int(rng.integers(2, 7))
        placed, _ = _place(rng, shape, obj)
        return _grow(placed, grow), {"side_px": side, "grown_px": grow}
    if kind == "box":
        bh, bw = min(int(rng.integers(12, 49)), h // 2), min(int(rng.integers(30, 161)), w - 8)
        y0, x0 = int(rng.integers(0, h - bh + 1)), int(rng.integers(0, w - bw + 1))
        m[y0:y0 + bh, x0:x0 + bw] = 1
        return m > 0, {"box_px": [bh, bw]}
    if kind == "brush":
        width, strokes = int(rng.integers(8, 29)), int(rng.integers(1, 3))
        for _ in range(strokes):
            start = np.array([rng.uniform(0.2, 0.8) * w, rng.uniform(0.2, 0.8) * h])
            pts = start + np.cumsum(rng.normal(0, 0.08 * min(h, w), (int(rng.integers(3, 7)), 2)), axis=0)
            cv2.polylines(m, [pts.astype(np.int32)], False, 1, width)
        return m > 0, {"width_px": width, "strokes": strokes}
    if kind == "caption":
        px = int(rng.integers(22, 57))
        font, name = _font(rng, px)
        word = WORDS[int(rng.integers(len(WORDS)))]
        canvas = Image.new("L", (w, h), 0)
        draw = ImageDraw.Draw(canvas)
        box = draw.textbbox((0, 0), word, font=font, stroke_width=2)
        x0 = int(rng.integers(0, max(1, w - (box[2] - box[0]) + 1))) - box[0]
        y0 = int(rng.integers(0, max(1, h - (box[3] - box[1]) + 1))) - box[1]
        draw.text((x0, y0), word, fill=255, font=font, stroke_width=2, stroke_fill=255)
        grow = int(rng.integers(1, 5))
        return _grow(np.asarray(canvas) > 127, grow), {"text": word, "font": name, "font_px": px, "grown_px": grow}
    count, width = int(rng.integers(2, 7)), int(rng.integers(2, 5))
    for _ in range(count):
        a, b = rng.uniform(0, 1, 2) * (w, h), rng.uniform(0, 1, 2) * (w, h)
        cv2.line(m, tuple(int(v) for v in a), tuple(int(v) for v in b), 1, width)
    return m > 0, {"lines": count, "width_px": width}


def draw_inpaint(seed: int, n: int, size: tuple[int, int] = (256, 400), first: int = 0) -> list[Case]:
    """Photos with a hole painted over something: I = (1 − M)·J + M·O, the hole M over a crop J of a photo, O a
    crop of another photo (what is to be removed; a method that reads it is wrong). Kinds (the hole, see
    :func:`_hole`): ``object``, ``box``, ``brush``, ``caption``, ``scratches``. Inputs: ``image``, ``mask`` (True:
    to fill); truth: ``clean`` (J). Cases ``first`` to ``n − 1``."""
    cases = []
    for i in range(first, n):
        rng = _rng("inpaint", seed, i)
        kind = KINDS["inpaint"][i % len(KINDS["inpaint"])]
        shape = _shape(rng, *size)
        name = _pick(rng, SCENES)
        clean, _ = _crop(rng, photo(name), shape)
        hidden, _ = _crop(rng, photo(_pick(rng, OBJECTS, name)), shape)
        hole, params = _hole(rng, kind, shape)
        image = np.where(hole[..., None], hidden, clean).astype(np.float32)
        cases.append(Case(f"inp{i:02d}_{kind}", kind, {"image": image, "mask": hole}, {"clean": clean},
                          {"photo": name, **params, "hole_share": round(float(hole.mean()), 4)}))
    return cases


DRAW = {"dehaze": draw_dehaze, "watermark": draw_watermark, "segment": draw_segment, "separate": draw_separate,
        "video": draw_video, "watermark_several": draw_watermark_several, "inpaint": draw_inpaint}
