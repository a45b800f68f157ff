"""The engine seen from the render worker: faces, the guest's clip, live tribute portraits.

Runs only inside the worker process (kiosk.worker), never in the UI process:
models are loaded once, lazily, on the first job.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import logging
from typing import TYPE_CHECKING, Any

import numpy as np

from engine_edge.errors import NoFaceFound
from kiosk.motion import motion_step

if TYPE_CHECKING:
    from engine_edge.analysis import Upright
    from engine_edge.face import Analysis

log = logging.getLogger("keepsake.kiosk.engine")

# The session's photo and a screen-sized copy of it (the Mood screen's live preview): both
# stay analysed, so the render after the preview does not analyse the photo again.
ANALYSES_KEPT = 2


class EngineRunner:
    """Reads [analysis], [speech], [engine] and [label] from the kiosk's configuration.

    The same sections, read the same way, as `keepsake animate`: a guest's clip is
    encoded and labelled exactly as staff configured it for the command line.
    """

    def __init__(self, config: dict[str, Any]) -> None:
        from engine_edge.analysis.settings import AnalysisSettings
        from engine_edge.config import section
        from engine_edge.credentials import configured_credentials
        from engine_edge.deliver import LabelSettings
        from engine_edge.pipeline import EngineSettings
        from engine_edge.speech import load_settings

        self._analysis = section(config, "analysis", AnalysisSettings)
        self._speech = load_settings(config)
        self._engine = section(config, "engine", EngineSettings)
        self._label = section(config, "label", LabelSettings)
        self._credentials = configured_credentials(config)
        self._config = config
        self._models: Any = None
        self._analyses: dict[str, Analysis] = {}

    def _load(self) -> Any:
        if self._models is None:
            from engine_edge import analysis

            a = self._analysis
            self._models = analysis.load_models(
                backend=a.backend, precision=a.precision, device=a.device
            )
        return self._models

    def _upright(self, photo: np.ndarray) -> Upright:
        """The photo as the camera saw it, turned upright if it lay on its side, and its
        analysis: the one place the kiosk turns a photo (find_faces, before the Check
        screen). The analysis is kept for the upright photo the Check screen hands back."""
        from engine_edge import analysis

        upright = analysis.analyse_upright(photo, self._load())
        self._keep(_photo_key(upright.image), upright.analysis)
        return upright

    def _analyse(self, photo: np.ndarray) -> Analysis:
        """The analysis of a photo that is already upright: the session's photo after the
        Check screen, a screen-sized copy of it, a kept photo (stored upright). It is never
        turned here, so the render, caption, live preview and tribute loop all see the
        photo and faces the guest checked."""
        from engine_edge import analysis

        key = _photo_key(photo)
        if key not in self._analyses:
            self._keep(key, analysis.analyse(photo, self._load()))
        return self._analyses[key]

    def _keep(self, key: str, analysis: Analysis) -> None:
        """Keep an analysis, forgetting the oldest beyond ANALYSES_KEPT."""
        self._analyses[key] = analysis
        while len(self._analyses) > ANALYSES_KEPT:
            del self._analyses[next(iter(self._analyses))]

    def describe(self, progress: Any, cancel: Any) -> dict[str, str]:
        models = self._load()
        return {
            "backend": str(getattr(models, "backend", self._analysis.backend)),
            "device": str(getattr(models, "device", self._analysis.device)),
        }

    def doctor(self, progress: Any, cancel: Any) -> Any:
        """`keepsake doctor`'s report for staff's Diagnostics tab: one source of truth, run here
        so its imports (OpenVINO, ONNX Runtime) never weigh on the touchscreen's process."""
        from engine_edge.doctor import run_checks

        return run_checks(self._config)

    def find_faces(self, photo: np.ndarray, progress: Any, cancel: Any) -> dict[str, Any]:
        """Boxes of the faces that can be animated (image pixels), plus which backend found them.

        A print laid on its side comes back turned upright: "turned_clockwise_deg" says how
        far, "photo" is the upright photo (only then) and the boxes are in its pixels.
        """
        upright = self._upright(photo)
        result = upright.analysis
        faces = result.animatable_faces
        if not faces:
            raise NoFaceFound(
                "We could not find a face in this photo. "
                "Try again with the print flat and well lit."
            )
        progress(1.0)
        found: dict[str, Any] = {
            "boxes": [tuple(float(v) for v in face.box) for face in faces],
            "backend": f"{result.backend} {result.precision}",
            "turned_clockwise_deg": upright.turn.clockwise_deg,
        }
        if upright.turn.clockwise_deg:
            found["photo"] = upright.image
        return found

    def _spoken_line(
        self, say_text: str, audio: np.ndarray | None, sample_rate: int, fps: int, preset: str
    ) -> Any:
        if audio is not None:
            from engine_edge.speech import line_from_samples

            return line_from_samples(
                audio, sample_rate, fps=fps, preset=preset, settings=self._speech
            )
        if say_text:
            from engine_edge.speech import synthesize_line

            return synthesize_line(say_text, fps=fps, preset=preset, settings=self._speech)
        return None

    def render(
        self,
        photo: np.ndarray,
        preset: str,
        seconds: float,
        fps: int,
        faces: tuple[int, ...] | None,
        say_text: str,
        audio: np.ndarray | None,
        sample_rate: int,
        progress: Any,
        cancel: Any,
        step: int = 0,
    ) -> dict[str, Any]:
        """The guest's clip as MP4 bytes (never written to disk here) and a poster frame.

        ``faces`` are indices into the boxes find_faces returned; faces left out
        stay still (they are handed to the engine as part of the background).
        ``step`` is the Mood screen's gentler (-) / livelier (+) control.
        """
        from engine_edge.pipeline import AnimateOptions, animate_photo

        analysis = self._chosen(photo, faces)
        speech = self._spoken_line(say_text, audio, sample_rate, fps, preset)
        progress(0.02)
        options = AnimateOptions(
            preset=preset,
            seconds=seconds,
            fps=float(fps),
            speech=speech,
            label=self._label,
            engine=self._engine,
            credentials=self._credentials,
            **motion_step(step),
        )
        # With the models the engine self-checks the clip: a guest only ever sees one that
        # passed, or the gentler one it renders when the first fails.
        clip = animate_photo(
            photo, options, self._load(), progress=progress, cancel=cancel, analysis=analysis
        )
        return {"mp4": clip.mp4, "poster": first_frame(clip.mp4, 720)}

    def _chosen(self, photo: np.ndarray, faces: tuple[int, ...] | None) -> Analysis:
        """The (upright) photo's analysis with only the faces the guest chose to animate."""
        analysis = self._analyse(photo)
        if faces is None:
            return analysis
        animatable = analysis.animatable_faces
        keep = tuple(animatable[i] for i in faces if i < len(animatable))
        return dataclasses.replace(analysis, faces=keep)

    def caption_clip(
        self,
        mp4: bytes,
        photo: np.ndarray,
        preset: str,
        faces: tuple[int, ...] | None,
        text: str,
        progress: Any,
        cancel: Any,
    ) -> dict[str, Any]:
        """The guest's clip with their caption drawn in, laid out exactly as a render with
        ``caption`` would (clear of the faces and the mark), without rendering it again."""
        from engine_edge.caption import burn_caption
        from engine_edge.deliver import probe_mp4
        from engine_edge.pipeline import AnimateOptions, clip_caption

        facts = probe_mp4(mp4)
        options = AnimateOptions(
            preset=preset, fps=facts.fps, caption=text, label=self._label, engine=self._engine
        )
        caption = clip_caption(photo, self._chosen(photo, faces), options)
        captioned, poster = burn_caption(
            mp4,
            caption,
            x264_preset=self._engine.x264_preset,
            crf=self._engine.crf,
            credentials=self._credentials,
            progress=progress,
            cancel=cancel,
        )
        return {"mp4": captioned, "poster": _thumbnail(poster, 720)}

    def tribute_film(
        self,
        clips: list[bytes],
        captions: list[str],
        music: str | None,
        loop: bool,
        fps: float,
        progress: Any,
        cancel: Any,
    ) -> bytes:
        """The event's tribute film (engine_edge.montage), streamed to the encoder."""
        from kiosk.film import make_event_film

        return make_event_film(
            clips,
            captions,
            music,
            loop=loop,
            fps=fps,
            engine=self._engine,
            progress=progress,
            cancel=cancel,
        )

    def live_portrait(self, photo: np.ndarray, progress: Any, cancel: Any) -> Any:
        """The rig over a screen-sized copy of ``photo`` for drawing it live on the kiosk."""
        from kiosk.live.source import build_live_portrait, screen_sized

        screen = screen_sized(photo)
        return build_live_portrait(screen, self._analyse(screen))

    def tribute_loop(
        self,
        photo: np.ndarray,
        preset: str,
        seed: int,
        seconds: float,
        fps: int,
        progress: Any,
        cancel: Any,
    ) -> bytes:
        """A fresh seamless loop of a kept portrait for the tribute wall (MP4 bytes)."""
        from kiosk.live.source import render_loop

        return render_loop(
            photo,
            self._analyse(photo),
            preset=preset,
            seed=seed,
            seconds=seconds,
            fps=float(fps),
            label=self._label,
            progress=progress,
            cancel=cancel,
        )


def _photo_key(photo: np.ndarray) -> str:
    """The cache key of a photo: its pixels and shape."""
    return hashlib.blake2b(photo.tobytes(), digest_size=16).hexdigest() + str(photo.shape)


def first_frame(mp4: bytes, max_side_px: int) -> np.ndarray:
    import av

    with av.open(io.BytesIO(mp4)) as container:
        for frame in container.decode(container.streams.video[0]):
            return _thumbnail(frame.to_ndarray(format="rgb24"), max_side_px)
    raise ValueError("the clip has no frames")


def _thumbnail(image: np.ndarray, max_side_px: int) -> np.ndarray:
    import cv2

    height, width = image.shape[:2]
    scale = max_side_px / max(height, width)
    if scale >= 1:
        return np.ascontiguousarray(image)
    return cv2.resize(
        image, (round(width * scale), round(height * scale)), interpolation=cv2.INTER_AREA
    )
