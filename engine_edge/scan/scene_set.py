"""A hard, labelled set of synthetic camera views: the scanner's evaluation set.

Each scene is drawn at random from a ``kind`` (a print with a black, white or deckled
border, a dark print on a dark table, glossy glare over the face, a small print, a
phone's noise and shake, or a screen showing the photo: the negative class) with every
other parameter varied widely, so a detector tuned on some seeds is measured fairly on
others. Works on any photo; the label says what a right answer is, including which
refusals would be true (a glare hint on a scene with glare, "too small" for a print
below the size the settings ask for).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import cv2
import numpy as np

from engine_edge.scan.synthetic import (
    TABLES,
    Scene,
    SceneSpec,
    add_border,
    fade,
    project_print,
    render_print_scene,
    screen_image,
    side_bow,
    table_texture,
)

KINDS = (
    "plain",
    "black_border",
    "light_border",
    "deckled",
    "dark",
    "glare",
    "small",
    "phone",
    "screen",
)
FRAME_SIZES = ((1280, 960), (1600, 1200), (1920, 1080), (1024, 768))
# An extra set, kept apart from KINDS (whose sets' figures must not move): real old prints,
# with rounded corners, curled out of an album, or both; with or without a white border.
OLD_PRINT_KINDS = ("rounded", "rounded_border", "curled", "curled_border", "rounded_curled")
OLD_PRINT_SEED_BASE = 250_000  # the old-print set's own tuning seeds (no other set uses them)
# 1940s-70s snapshots' corner radius, a share of the short side.
CORNER_RADIUS_RANGE = (0.03, 0.08)
# A curl's sagitta, a share of the bent side: seen from the kiosk's camera, its sides bow by
# about 1-4 % of their length (synthetic.side_bow).
CURL_RANGE = (0.025, 0.1)


@dataclass(frozen=True)
class LabelledScene:
    """A rendered view plus what a correct scanner should make of it."""

    kind: str
    scene: Scene
    spec: SceneSpec
    truth: np.ndarray  # the picture a perfect scan gives: the print without its border
    is_screen: bool
    has_glare: bool
    print_short_px: float  # the print's shorter side in frame pixels
    edge_contrast: float  # Lab distance between the print's rim and the table
    blur_px: float  # rough width of the blur the camera added, in frame pixels
    side_bow: float = 0.0  # a curled print's most bowed side off its chord, share of its length


def sample_scene(photo: np.ndarray, kind: str, seed: int) -> LabelledScene:
    """One random scene of ``kind`` made from ``photo`` (RGB uint8), the same for a seed.

    An old print (OLD_PRINT_KINDS) is drawn as the plain or light-bordered print it is
    underneath, then rounded or curled with draws of its own."""
    if kind not in KINDS + OLD_PRINT_KINDS:
        raise ValueError(f"unknown kind {kind!r}; choose from {KINDS + OLD_PRINT_KINDS}")
    rng = np.random.default_rng(seed)
    old = kind if kind in OLD_PRINT_KINDS else None
    if old is not None:
        kind = _old_print_base(old, seed)
    picture = _prepare(photo, kind, rng)
    spec = _base_spec(kind, rng, seed)
    border_px = 0
    if kind in ("black_border", "light_border", "deckled"):
        border_px = max(4, round(rng.uniform(0.03, 0.1) * min(picture.shape[:2])))
        if kind == "black_border" or (kind == "deckled" and rng.random() < 0.3):
            rgb = tuple(int(v) for v in rng.integers(4, 35) + rng.integers(-3, 4, 3))
        else:
            rgb = _light_paper(rng)
        spec = replace(spec, border_px=border_px, border_rgb=rgb)  # type: ignore[arg-type]
        if kind == "deckled":
            # Real deckles bite 1-3 % of the side; never through the border.
            bite = min(0.6 * border_px, 0.025 * min(picture.shape[:2]))
            spec = replace(spec, deckle_px=float(rng.uniform(0.4, 1.0) * bite))
    printed = picture
    if kind == "screen":
        printed = screen_image(
            picture,
            pixel_px=int(rng.choice([2, 3, 4])),
            bezel_px=int(rng.choice([0, 6, 25, 45])),
            gain=float(rng.uniform(1.15, 1.9)),
            cast=(float(rng.uniform(0.85, 1.0)), float(rng.uniform(0.92, 1.0)), 1.0),
            gap=float(rng.uniform(0.5, 1.0)),
        )
        spec = replace(spec, sheen=float(rng.uniform(0.0, 0.45)))
    if kind == "small":
        spec = _small_spec(spec, picture, rng)
    if old is not None:
        spec = _old_print_spec(spec, old, seed)
    spec = _inside_frame(spec, printed.shape[:2], border_px)
    scene = render_print_scene(printed, spec)
    sides = np.linalg.norm(np.roll(scene.corners, -1, axis=0) - scene.corners, axis=1)
    paper_size = (printed.shape[1] + 2 * border_px, printed.shape[0] + 2 * border_px)
    return LabelledScene(
        kind=old or kind,
        scene=scene,
        spec=spec,
        truth=picture,
        is_screen=kind == "screen",
        has_glare=spec.glare_at is not None or spec.glare_spots > 0 or spec.sheen > 0.25,
        print_short_px=float(min(sides)),
        edge_contrast=_edge_contrast(add_border(printed, border_px, spec.border_rgb), spec),
        blur_px=float(2.5 * spec.blur_sigma_px + spec.motion_blur_px),
        side_bow=side_bow(spec, paper_size) if spec.curl else 0.0,
    )


def scene_for(
    photos: list[np.ndarray], index: int, seed_base: int = 0, kinds: tuple[str, ...] = KINDS
) -> LabelledScene:
    """Scene ``index`` of a set: ``kinds`` in turn, photos in turn, seed ``seed_base + index``."""
    kind = kinds[index % len(kinds)]
    photo = photos[(index // len(kinds) + index) % len(photos)]
    return sample_scene(photo, kind, seed_base + index)


def _old_print_base(kind: str, seed: int) -> str:
    """The print an old-print kind is underneath: borderless, white-bordered, or (rounded
    and curled) either, as the seed has it."""
    if kind.endswith("_border"):
        return "light_border"
    if kind == "rounded_curled" and np.random.default_rng((seed, 1)).random() < 0.5:
        return "light_border"
    return "plain"


def _old_print_spec(spec: SceneSpec, kind: str, seed: int) -> SceneSpec:
    """``spec`` with an old print's rounded corners and curl, from draws of the seed's own
    (the underlying print's draws are those of its plain or bordered kind)."""
    rng = np.random.default_rng((seed, 2))
    if kind.startswith("rounded"):
        spec = replace(spec, corner_radius=float(rng.uniform(*CORNER_RADIUS_RANGE)))
    if "curled" in kind:
        spec = replace(
            spec,
            curl=float(rng.choice([-1.0, 1.0]) * rng.uniform(*CURL_RANGE)),
            curl_across_width=bool(rng.random() < 0.5),
            curl_light_deg=float(rng.uniform(-40.0, 40.0)),
        )
    return spec


def burst_views(labelled: LabelledScene, count: int) -> list[np.ndarray]:
    """``count`` frames of ``labelled`` as the kiosk's burst sees them, the scene's frame first.

    Each later frame has its own sensor noise and JPEG; a hand-held (``phone``) view also its
    own small shake (the print moves a pixel or two, the blur's direction changes), a print
    on the table under the fixed camera at most a fraction of a pixel (vibration).
    """
    frames = [labelled.scene.frame]
    fw, fh = labelled.spec.frame_size
    for index in range(1, count):
        rng = np.random.default_rng((labelled.spec.seed, index, 1))
        hand_held = labelled.kind == "phone"
        move_px = rng.normal(0.0, 1.5 if hand_held else 0.15, 2)
        x, y = labelled.spec.offset
        spec = replace(
            labelled.spec,
            border_px=0,  # the print image below already has its border
            burst_index=index,
            offset=(x + float(move_px[0]) / fw, y + float(move_px[1]) / fh),
            roll_deg=labelled.spec.roll_deg + float(rng.normal(0.0, 0.15 if hand_held else 0.0)),
        )
        if hand_held:
            spec = replace(spec, motion_angle_deg=float(rng.uniform(0, 180)))
        frames.append(render_print_scene(labelled.scene.print_image, spec).frame)
    return frames


def _prepare(photo: np.ndarray, kind: str, rng: np.random.Generator) -> np.ndarray:
    """The photo as printed: a random size, sometimes faded or tinted, dark for ``dark``."""
    if photo.ndim == 2:
        photo = np.repeat(photo[..., None], 3, axis=2)
    scale = rng.uniform(480, 900) / max(photo.shape[:2])
    picture = cv2.resize(photo, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    if kind == "small":
        picture = _portrait_crop(picture, float(rng.uniform(0.55, 0.8)))
    roll = rng.random()
    if roll < 0.15:
        picture = fade(picture)
    elif roll < 0.25:
        g = cv2.cvtColor(picture, cv2.COLOR_RGB2GRAY).astype(np.float32)
        tint = np.dstack([0.85 * g + 35, 0.72 * g + 28, 0.52 * g + 20])
        picture = np.clip(tint, 0, 255).astype(np.uint8)
    if kind == "dark":
        picture = darken(picture, rng)
    return picture


def darken(picture: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A low-key print: a near-black background (a painting's, a studio's) round the subject."""
    h, w = picture.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    cx, cy = w * rng.uniform(0.4, 0.6), h * rng.uniform(0.35, 0.55)
    r = np.hypot((xx - cx) / (0.5 * w), (yy - cy) / (0.6 * h))
    keep = np.clip(1.4 - r * rng.uniform(1.0, 1.6), 0.0, 1.0) ** 2
    floor = rng.uniform(4, 22)
    dark = picture.astype(np.float32) * rng.uniform(0.55, 0.9)
    out = dark * keep[..., None] + floor * (1 - keep[..., None])
    return np.clip(out, 0, 255).astype(np.uint8)


def _portrait_crop(picture: np.ndarray, aspect: float) -> np.ndarray:
    """A tall, narrow crop (width / height = ``aspect``) round the middle."""
    h, w = picture.shape[:2]
    if w / h > aspect:
        new_w = round(h * aspect)
        x0 = (w - new_w) // 2
        return picture[:, x0 : x0 + new_w].copy()
    new_h = round(w / aspect)
    y0 = (h - new_h) // 3
    return picture[y0 : y0 + new_h].copy()


def _light_paper(rng: np.random.Generator) -> tuple[int, int, int]:
    """White, ivory or cream photo paper."""
    base = rng.uniform(228, 252)
    warm = rng.uniform(0, 22)
    return (int(base), int(base - 0.4 * warm), int(base - warm))


def _base_spec(kind: str, rng: np.random.Generator, seed: int) -> SceneSpec:
    spec = SceneSpec(
        frame_size=FRAME_SIZES[int(rng.integers(len(FRAME_SIZES)))],
        table=str(rng.choice(TABLES)),
        print_share=float(rng.uniform(0.15, 0.45)),
        roll_deg=float(rng.uniform(-25, 25)),
        tilt_x_deg=float(rng.uniform(-16, 16)),
        tilt_y_deg=float(rng.uniform(-14, 14)),
        offset=(float(rng.uniform(-0.08, 0.08)), float(rng.uniform(-0.08, 0.08))),
        light_gradient=float(rng.uniform(0, 0.4)),
        exposure=float(rng.uniform(0.88, 1.08)),  # what auto-exposure leaves
        noise_sigma=float(rng.uniform(0, 3.5)),
        blur_sigma_px=float(rng.uniform(0, 1.0)),
        jpeg_quality=int(rng.choice([0, 60, 75, 90])),
        seed=seed,
    )
    if kind == "dark":
        spec = replace(spec, table=str(rng.choice(["dark", "dark", "cloth", "wood"])))
    elif kind == "glare":
        where = (float(rng.uniform(0.35, 0.65)), float(rng.uniform(0.25, 0.55)))
        spec = replace(spec, glare_at=where, glare_radius=float(rng.uniform(0.03, 0.09)))
    elif kind == "phone":
        spec = replace(
            spec,
            phone_noise=float(rng.uniform(2.5, 7.0)),
            motion_blur_px=float(rng.uniform(0.0, 6.0)),
            motion_angle_deg=float(rng.uniform(0, 180)),
            jpeg_quality=int(rng.choice([70, 80, 90])),
        )
    return spec


def _inside_frame(spec: SceneSpec, picture_hw: tuple[int, ...], border_px: int) -> SceneSpec:
    """The spec with the print made smaller until it lies wholly inside the frame, with
    a margin (a print cut off by the frame's edge is another test)."""
    size = (picture_hw[1] + 2 * border_px, picture_hw[0] + 2 * border_px)
    fw, fh = spec.frame_size
    margin = 0.03 * min(fw, fh)
    for _ in range(20):
        corners = project_print(size, spec)
        inside = (corners.min(axis=0) >= margin).all() and (
            corners.max(axis=0) <= np.array([fw, fh]) - margin
        ).all()
        if inside:
            break
        spec = replace(spec, print_share=0.85 * spec.print_share)
    return spec


def _small_spec(spec: SceneSpec, picture: np.ndarray, rng: np.random.Generator) -> SceneSpec:
    """A print a sixth to a quarter of the frame's width (sometimes less), centred."""
    fw, fh = spec.frame_size
    ph, pw = picture.shape[:2]
    width_share = float(rng.uniform(0.1, 0.25))
    share = width_share**2 * fw * (ph / pw) / fh
    return replace(spec, print_share=share, offset=(0.0, 0.0))


def _edge_contrast(print_image: np.ndarray, spec: SceneSpec) -> float:
    """Median Lab distance between the print's outer rim and the table: low = hard to see."""
    ph, pw = print_image.shape[:2]
    band = max(2, round(0.02 * min(ph, pw)))
    rim = np.concatenate(
        [
            print_image[:band].reshape(-1, 3),
            print_image[-band:].reshape(-1, 3),
            print_image[:, :band].reshape(-1, 3),
            print_image[:, -band:].reshape(-1, 3),
        ]
    )
    table = table_texture(spec.table, (160, 120), np.random.default_rng(spec.seed))
    lab = cv2.cvtColor(
        np.concatenate([rim, table.reshape(-1, 3)])[None].astype(np.float32) / 255.0,
        cv2.COLOR_RGB2Lab,
    )[0]
    rim_lab, table_lab = lab[: len(rim)], lab[len(rim) :]
    return float(np.linalg.norm(np.median(rim_lab, axis=0) - np.median(table_lab, axis=0)))
